import type { Request, Response } from 'express';
import { serialize } from 'cookie';
import type { ApiConfig } from '../config.js';
import { SESSION_COOKIE } from './tokens.js';

/**
 * The session cookie: httpOnly, SameSite=Lax, path /, max-age = the token's lifetime, Secure when the
 * request came over https (directly or through a trusted proxy) or COOKIE_SECURE=true.
 */
function secure(req: Request, config: Pick<ApiConfig, 'COOKIE_SECURE'>): boolean {
  if (config.COOKIE_SECURE === 'true') return true;
  if (config.COOKIE_SECURE === 'false') return false;
  return req.secure;
}

export function setSessionCookie(
  req: Request,
  res: Response,
  token: string,
  ttlSeconds: number,
  config: Pick<ApiConfig, 'COOKIE_SECURE'>,
): void {
  res.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: secure(req, config),
      path: '/',
      maxAge: ttlSeconds,
    }),
  );
}

export function clearSessionCookie(
  req: Request,
  res: Response,
  config: Pick<ApiConfig, 'COOKIE_SECURE'>,
): void {
  res.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, '', {
      httpOnly: true,
      sameSite: 'lax',
      secure: secure(req, config),
      path: '/',
      maxAge: 0,
      expires: new Date(0),
    }),
  );
}
