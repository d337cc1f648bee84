import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseCookie } from 'cookie';
import { SESSION_COOKIE } from './tokens.js';

/** Whether the request authenticates with an `Authorization: Bearer` header (not the cookie). */
export const usesBearer = (headers: IncomingHttpHeaders): boolean =>
  headers.authorization?.startsWith('Bearer ') ?? false;

/** The session cookie's token, if the request carries one. */
export function sessionCookieOf(headers: IncomingHttpHeaders): string | null {
  const cookies = headers.cookie ? parseCookie(headers.cookie) : {};
  return cookies[SESSION_COOKIE] || null;
}

/**
 * The session token of a request or socket handshake: the httpOnly cookie (browsers) or an
 * `Authorization: Bearer` header (other clients). Never the query string.
 */
export function tokenFromHeaders(headers: IncomingHttpHeaders): string | null {
  if (usesBearer(headers)) return headers.authorization!.slice('Bearer '.length).trim() || null;
  return sessionCookieOf(headers);
}
