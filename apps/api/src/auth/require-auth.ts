import type { Request, RequestHandler } from 'express';
import { AppError } from '@classchat/contracts';
import { tokenFromHeaders } from './credentials.js';
import type { TokenClaims, TokenService } from './tokens.js';

const authenticated = new WeakMap<Request, TokenClaims>();

/** What a student is told when their token is expired or revoked. */
export const SESSION_EXPIRED = 'Your session has expired. Please log in again.';

/** 401 for an expired or revoked token. */
export const sessionExpired = () => new AppError('unauthorized', SESSION_EXPIRED);

/**
 * 401 unless the request carries a valid session token; the user id is then `userIdOf(req)`.
 * With `revocation: 'checked-by-handler'` the middleware checks the signature and expiry only, and
 * the handler's own first statement must check the token's version (`claimsOf(req).version`; see
 * {@link ensureCurrent} for the handler's paths that stop before it): one statement less for a
 * request whose first write can carry the check.
 */
export function requireAuth(
  tokens: TokenService,
  options: { revocation?: 'checked' | 'checked-by-handler' } = {},
): RequestHandler {
  const byHandler = options.revocation === 'checked-by-handler';
  return (req, _res, next) => {
    const token = tokenFromHeaders(req.headers);
    if (!token) return next(new AppError('unauthorized', 'Please log in'));
    const checked = async () => {
      const claims = await tokens.claims(token);
      return claims && (byHandler || (await tokens.isCurrent(claims))) ? claims : null;
    };
    checked().then(
      (claims) => {
        if (!claims) return next(sessionExpired());
        authenticated.set(req, claims);
        next();
      },
      (err: unknown) => next(err),
    );
  };
}

/** The authenticated user's id; only valid behind `requireAuth`. */
export function userIdOf(req: Request): string {
  return claimsOf(req).userId;
}

/** The authenticated token's claims; only valid behind `requireAuth`. */
export function claimsOf(req: Request): TokenClaims {
  const claims = authenticated.get(req);
  if (!claims) throw new AppError('unauthorized', 'Please log in');
  return claims;
}

/**
 * Behind `requireAuth` with `revocation: 'checked-by-handler'`, on a path that ends before the
 * statement that checks the version (a malformed body): 401 when the token was revoked.
 */
export async function ensureCurrent(tokens: TokenService, req: Request): Promise<void> {
  if (!(await tokens.isCurrent(claimsOf(req)))) throw sessionExpired();
}
