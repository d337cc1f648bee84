import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError, INTERNAL_TOKEN_HEADER } from '@classchat/contracts';

/** Whether a request's internal-token header holds `token` (compared in constant time). */
export function isInternalToken(given: string | string[] | undefined, token: string): boolean {
  const expected = Buffer.from(token);
  const actual = Buffer.from(typeof given === 'string' ? given : '');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export const internalTokenError = () => new AppError('unauthorized', 'Missing or invalid internal token');

/** Only the api (holding INTERNAL_TOKEN) may call rag. */
export function requireInternalToken(token: string): RequestHandler {
  return (req, _res, next) => {
    if (isInternalToken(req.headers[INTERNAL_TOKEN_HEADER], token)) return next();
    next(internalTokenError());
  };
}
