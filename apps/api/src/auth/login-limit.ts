import type { Request, RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator, MemoryStore, type Options, type Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AppError } from '@classchat/contracts';
import { normalizeEmail } from '@classchat/db';
import { backoffWaitMs, LOGIN_BACKOFF_BASE_MS } from './backoff.js';
import { redisRateLimitOptions, redisRateLimitStore } from './redis-rate-limit-store.js';

export const LOGIN_WINDOW_MS = 15 * 60_000;
export const SIGNUP_WINDOW_MS = 60 * 60_000;

/**
 * A limiter's counts in Redis under `prefix`, shared by every api process (in memory per process
 * without Redis); should Redis fail, requests are let through rather than refused.
 */
function storeOptions(
  redis: Redis | undefined,
  prefix: string,
  logger: Pick<Logger, 'warn'>,
): Partial<Options> {
  return redis ? redisRateLimitOptions(redis, prefix, logger) : {};
}

/** Minutes until the limiter's window of this request ends (the whole window when unknown). */
function minutesLeft(req: Request, windowMs: number): number {
  const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  return resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 60_000)) : windowMs / 60_000;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/**
 * Failed logins, limited two ways. Per client IP and email address together: after `limits.pair`
 * failures in 15 minutes further attempts are spaced out exponentially (see `backoffWaitMs`) — never
 * a lock that someone else can put on an account, since only the failures of that one address count.
 * Per client IP: `limits.ip` failures in 15 minutes, whatever the emails (one address trying many
 * accounts). Only failed logins (401) count; a successful login clears its pair's count.
 */
export function loginRateLimit(
  limits: { pair: number; ip: number },
  redis: Redis | undefined,
  logger: Pick<Logger, 'warn'>,
): RequestHandler[] {
  const perIp = rateLimit({
    windowMs: LOGIN_WINDOW_MS,
    limit: limits.ip,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Only wrong credentials count: not successes, not malformed bodies (400), not the 429s themselves.
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    ...storeOptions(redis, 'cc:login:', logger),
    keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`,
    handler: (req, _res, next) => {
      const minutes = minutesLeft(req, LOGIN_WINDOW_MS);
      next(
        new AppError(
          'rate_limited',
          `Too many login attempts from your network. Please wait ${plural(minutes, 'minute')} and try again.`,
        ),
      );
    },
  });
  const pairStore: Store = redis ? redisRateLimitStore(redis, 'cc:login-pair:') : new MemoryStore();
  return [perIp, pairBackoff(pairStore, limits.pair, logger)];
}

/** The per IP + email limit with exponential backoff, counted in an express-rate-limit store. */
function pairBackoff(store: Store, limit: number, logger: Pick<Logger, 'warn'>): RequestHandler {
  void store.init?.({ windowMs: LOGIN_WINDOW_MS } as Options);
  const forgive = (key: string, clear: boolean) =>
    Promise.resolve()
      .then(() => (clear ? store.resetKey(key) : store.decrement(key)))
      .catch(() => undefined);
  return (req, res, next) => {
    const email = emailOf(req.body);
    if (!email) return next();
    const key = `${ipKeyGenerator(req.ip ?? 'unknown')}|${email}`;
    // The attempt is counted before the password is checked, so parallel guesses see each other.
    Promise.resolve(store.increment(key)).then(
      ({ totalHits, resetTime }) => {
        const windowStartMs = (resetTime?.getTime() ?? Date.now() + LOGIN_WINDOW_MS) - LOGIN_WINDOW_MS;
        const waitMs = backoffWaitMs({
          attempt: totalHits,
          limit,
          windowStartMs,
          nowMs: Date.now(),
          baseDelayMs: LOGIN_BACKOFF_BASE_MS,
        });
        if (waitMs > 0) {
          // A refused attempt checked no password: it does not count.
          void forgive(key, false);
          const seconds = Math.ceil(waitMs / 1000);
          res.setHeader('Retry-After', String(seconds));
          const wait = seconds < 120 ? plural(seconds, 'second') : plural(Math.ceil(seconds / 60), 'minute');
          return next(
            new AppError(
              'rate_limited',
              `Too many failed attempts for this account. Please wait ${wait} and try again.`,
            ),
          );
        }
        res.once('finish', () => {
          if (res.statusCode === 401) return;
          void forgive(key, res.statusCode < 300);
        });
        next();
      },
      // Should the store fail, logins are let through rather than refused.
      (err: unknown) => {
        logger.warn({ err }, 'rate limit store error');
        next();
      },
    );
  };
}

/**
 * Signups per client IP: `limit` per hour, counted whatever the outcome (a taken email too) except a
 * malformed form (400), so one address cannot mass-create accounts or probe for registered emails.
 */
export function signupRateLimit(
  limit: number,
  redis: Redis | undefined,
  logger: Pick<Logger, 'warn'>,
): RequestHandler {
  return rateLimit({
    windowMs: SIGNUP_WINDOW_MS,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skipFailedRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 400,
    ...storeOptions(redis, 'cc:signup:', logger),
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    handler: (req, _res, next) => {
      const minutes = minutesLeft(req, SIGNUP_WINDOW_MS);
      next(
        new AppError(
          'rate_limited',
          `Too many accounts were created from your network. Please try again in ${plural(minutes, 'minute')}.`,
        ),
      );
    },
  });
}

function emailOf(body: unknown): string | undefined {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' && email.trim() ? normalizeEmail(email) : undefined;
}
