import type { Request, RequestHandler } from 'express';
import { AppError } from '@classchat/contracts';
import { tokenFromHeaders } from './credentials.js';
import type { TokenService } from './tokens.js';

const userIds = new WeakMap<Request, string>();

/** 401 unless the request carries a valid session token; the user id is then `userIdOf(req)`. */
export function requireAuth(tokens: TokenService): RequestHandler {
  return (req, _res, next) => {
    const token = tokenFromHeaders(req.headers);
    if (!token) return next(new AppError('unauthorized', 'Please log in'));
    tokens.verify(token).then(
      (verified) => {
        if (!verified)
          return next(new AppError('unauthorized', 'Your session has expired. Please log in again.'));
        userIds.set(req, verified.userId);
        next();
      },
      (err: unknown) => next(err),
    );
  };
}

/** The authenticated user's id; only valid behind `requireAuth`. */
export function userIdOf(req: Request): string {
  const id = userIds.get(req);
  if (!id) throw new AppError('unauthorized', 'Please log in');
  return id;
}
