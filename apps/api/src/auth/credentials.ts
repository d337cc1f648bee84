import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseCookie } from 'cookie';
import { SESSION_COOKIE } from './tokens.js';

/**
 * The session token of a request or socket handshake: the httpOnly cookie (browsers) or an
 * `Authorization: Bearer` header (other clients). Never the query string.
 */
export function tokenFromHeaders(headers: IncomingHttpHeaders): string | null {
  const auth = headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim() || null;
  const cookies = headers.cookie ? parseCookie(headers.cookie) : {};
  return cookies[SESSION_COOKIE] ?? null;
}
