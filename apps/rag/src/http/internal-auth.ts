import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError, INTERNAL_TOKEN_HEADER } from '@classchat/contracts';

/** Only the api (holding INTERNAL_TOKEN) may call rag. */
export function requireInternalToken(token: string): RequestHandler {
  const expected = Buffer.from(token);
  return (req, _res, next) => {
    const given = Buffer.from(req.header(INTERNAL_TOKEN_HEADER) ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    next(new AppError('unauthorized', 'Missing or invalid internal token'));
  };
}
