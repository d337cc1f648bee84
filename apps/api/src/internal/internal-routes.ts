import { timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { AppError, IdParams, INTERNAL_TOKEN_HEADER } from '@classchat/contracts';
import { parseInput } from '@classchat/service';
import type { ApiContext } from '../context.js';

/** Whether `given` is the internal token (compared in constant time). */
function isInternalToken(given: string | string[] | undefined, token: string): boolean {
  const expected = Buffer.from(token);
  const actual = Buffer.from(typeof given === 'string' ? given : '');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const requireInternalToken =
  (token: string): RequestHandler =>
  (req, _res, next) => {
    if (isInternalToken(req.headers[INTERNAL_TOKEN_HEADER], token)) return next();
    next(new AppError('unauthorized', 'Missing or invalid internal token'));
  };

/**
 * `/api/v1/internal`, for the operator's tools holding INTERNAL_TOKEN (never the browser):
 * `POST users/:id/account-changed` tells the user's open tabs their plan and usage again (after
 * `npm run admin -- plan`). It reveals nothing and changes nothing but what the tabs show.
 */
export function internalRouter(ctx: ApiContext): Router {
  const router = Router();
  router.use(requireInternalToken(ctx.config.INTERNAL_TOKEN));
  router.post('/users/:id/account-changed', async (req, res) => {
    const { id } = parseInput(IdParams, req.params, 'user id');
    await ctx.userEvents.usage(id);
    res.status(204).end();
  });
  return router;
}
