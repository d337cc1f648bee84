import type { RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator, type Options } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AppError } from '@classchat/contracts';
import { normalizeEmail } from '@classchat/db';
import { redisRateLimitOptions } from './redis-rate-limit-store.js';

export const LOGIN_WINDOW_MS = 15 * 60_000;

/**
 * Failed login attempts allowed per 15 minutes, counted per client IP and per email address (so
 * neither one address nor one account can be guessed at quickly). Only failed logins (401) count.
 * With Redis the counts are kept there, shared by every api process (one per process otherwise);
 * should Redis fail, logins are let through at once rather than refused or held.
 */
export function loginRateLimit(
  limit: number,
  redis: Redis | undefined,
  logger: Pick<Logger, 'warn'>,
): RequestHandler[] {
  const redisStore = (): Partial<Options> => (redis ? redisRateLimitOptions(redis, 'cc:login:', logger) : {});
  const common: Partial<Options> = {
    windowMs: LOGIN_WINDOW_MS,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Only wrong credentials count: not successes, not malformed bodies (400), not the 429s themselves.
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    handler: (req, _res, next) => {
      const resetTime = (req as typeof req & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const minutes = resetTime
        ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 60_000))
        : LOGIN_WINDOW_MS / 60_000;
      next(
        new AppError(
          'rate_limited',
          `Too many login attempts. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`,
        ),
      );
    },
  };
  const perIp = rateLimit({
    ...common,
    ...redisStore(),
    keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`,
  });
  const perEmail = rateLimit({
    ...common,
    ...redisStore(),
    skip: (req) => typeof emailOf(req.body) !== 'string',
    keyGenerator: (req) => `email:${emailOf(req.body)}`,
  });
  return [perIp, perEmail];
}

function emailOf(body: unknown): string | undefined {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' && email.trim() ? normalizeEmail(email) : undefined;
}
