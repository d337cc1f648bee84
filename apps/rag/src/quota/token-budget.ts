import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isRedisUnavailable, REDIS_UNAVAILABLE } from '@classchat/service';

/** Tokens held against the tokens-per-minute budget until settled. */
export interface Reservation {
  readonly id: string;
  /** Tokens reserved (after clamping to the limit). */
  readonly tokens: number;
}

/**
 * The shared OpenAI tokens-per-minute budget (`OPENAI_TPM_LIMIT`) over a sliding 60 s window.
 * Reserve an estimate before calling the model; settle to what was really used afterwards (0
 * releases everything, e.g. on a failure before any token).
 */
export interface TokenBudget {
  /** Atomically takes `tokens` from the window's budget; null when that would exceed the limit. */
  reserve(tokens: number): Promise<Reservation | null>;
  /** Replaces the reserved amount with `actualTokens` (releasing the difference, or taking more). */
  settle(reservation: Reservation, actualTokens: number): Promise<void>;
}

export interface TokenBudgetOptions {
  /** Tokens allowed per window. */
  limit: number;
  /** Window length; default 60 000 ms. */
  windowMs?: number;
}

export const TPM_WINDOW_MS = 60_000;

const clampTokens = (tokens: number, limit: number) =>
  Math.min(limit, Math.max(0, Math.ceil(Number.isFinite(tokens) ? tokens : 0)));

/** One process's budget (REDIS_URL unset). Single-threaded JavaScript makes each call atomic. */
export function createMemoryTokenBudget(options: TokenBudgetOptions & { now?: () => number }): TokenBudget {
  const windowMs = options.windowMs ?? TPM_WINDOW_MS;
  const now = options.now ?? Date.now;
  /** id → reservation, in insertion (= time) order. */
  const held = new Map<string, { at: number; tokens: number }>();
  let total = 0;
  const expire = () => {
    const cutoff = now() - windowMs;
    for (const [id, r] of held) {
      if (r.at > cutoff) break;
      total -= r.tokens;
      held.delete(id);
    }
  };
  return {
    reserve(tokens) {
      expire();
      const want = clampTokens(tokens, options.limit);
      if (total + want > options.limit) return Promise.resolve(null);
      const id = randomUUID();
      held.set(id, { at: now(), tokens: want });
      total += want;
      return Promise.resolve({ id, tokens: want });
    },
    settle(reservation, actualTokens) {
      expire();
      const r = held.get(reservation.id);
      if (r) {
        const actual = Math.max(0, Math.ceil(actualTokens));
        total += actual - r.tokens;
        r.tokens = actual;
      }
      return Promise.resolve();
    },
  };
}

/**
 * KEYS: [zset id→reserved-at ms, hash id→tokens, running total]
 * ARGV: [window ms, limit, tokens, id]
 * Returns 1 when reserved, 0 when the budget is spent. Time comes from the Redis server, so every
 * process shares one clock.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local tokens = tonumber(ARGV[3])
local total = tonumber(redis.call('GET', KEYS[3]) or '0')
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - window)
for _, id in ipairs(expired) do
  total = total - tonumber(redis.call('HGET', KEYS[2], id) or '0')
  redis.call('HDEL', KEYS[2], id)
end
if #expired > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window) end
if total < 0 then total = 0 end
local ttl = math.ceil(window / 1000) + 60
if total + tokens > limit then
  redis.call('SET', KEYS[3], total, 'EX', ttl)
  return 0
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('HSET', KEYS[2], ARGV[4], tokens)
redis.call('SET', KEYS[3], total + tokens, 'EX', ttl)
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
return 1
`;

/**
 * KEYS: [zset, hash, total]; ARGV: [id, actual tokens]. A reservation already out of the window is
 * left alone (its tokens no longer count).
 */
const SETTLE = `
local old = redis.call('HGET', KEYS[2], ARGV[1])
if not old then return 0 end
local actual = tonumber(ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], actual)
local total = tonumber(redis.call('GET', KEYS[3]) or '0') + actual - tonumber(old)
if total < 0 then total = 0 end
redis.call('SET', KEYS[3], total, 'KEEPTTL')
return 1
`;

/** The budget shared by every rag process through Redis (Lua scripts make each step atomic). */
export function createRedisTokenBudget(
  redis: Redis,
  options: TokenBudgetOptions & { keyPrefix?: string },
): TokenBudget {
  const windowMs = options.windowMs ?? TPM_WINDOW_MS;
  const prefix = options.keyPrefix ?? 'rag:tpm';
  // One hash slot for the three keys (Redis Cluster).
  const keys = [`{${prefix}}:reservations`, `{${prefix}}:tokens`, `{${prefix}}:total`];
  return {
    async reserve(tokens) {
      const want = clampTokens(tokens, options.limit);
      const id = randomUUID();
      const ok = await redis.eval(RESERVE, 3, ...keys, windowMs, options.limit, want, id);
      return ok === 1 ? { id, tokens: want } : null;
    },
    async settle(reservation, actualTokens) {
      await redis.eval(SETTLE, 3, ...keys, reservation.id, Math.max(0, Math.ceil(actualTokens)));
    },
  };
}

/** While the shared budget is down, it is tried again (by one reservation) at most this often. */
export const SHARED_BUDGET_RETRY_MS = 2000;

/**
 * The shared budget, and this process's own (the same limit) while Redis does not answer: answers
 * and ingestion go on through a Redis outage instead of failing, each rag process then keeping to
 * the limit by itself (so N processes may together spend up to N times it until Redis is back). A
 * reservation is settled in the budget that made it. Once the shared budget failed, reservations go
 * straight to the local one and only one every `retryMs` tries Redis again, so a Redis that hangs
 * (each try waits for the command timeout) does not slow every reservation down. Losing and
 * regaining the shared budget is logged once each.
 */
export function withLocalFallback(
  shared: TokenBudget,
  local: TokenBudget,
  options: { logger?: Pick<Logger, 'warn' | 'info'>; retryMs?: number; now?: () => number } = {},
): TokenBudget {
  const { logger } = options;
  const retryMs = options.retryMs ?? SHARED_BUDGET_RETRY_MS;
  const now = options.now ?? Date.now;
  const madeLocally = new WeakSet<Reservation>();
  let degraded = false;
  let nextTry = 0;
  const reserveLocally = async (tokens: number) => {
    const reservation = await local.reserve(tokens);
    if (reservation) madeLocally.add(reservation);
    return reservation;
  };
  return {
    async reserve(tokens) {
      if (degraded && now() < nextTry) return reserveLocally(tokens);
      nextTry = now() + retryMs;
      try {
        const reservation = await shared.reserve(tokens);
        if (degraded) {
          degraded = false;
          logger?.info('tokens-per-minute budget: shared through Redis again');
        }
        return reservation;
      } catch (err) {
        if (!isRedisUnavailable(err)) throw err;
        if (!degraded) {
          degraded = true;
          logger?.warn({ err }, `${REDIS_UNAVAILABLE}: the tokens-per-minute budget is kept in this process`);
        }
        return reserveLocally(tokens);
      }
    },
    settle(reservation, actualTokens) {
      return madeLocally.has(reservation)
        ? local.settle(reservation, actualTokens)
        : shared.settle(reservation, actualTokens);
    },
  };
}

/** Redis (with this process's budget while it does not answer) when a client is given, otherwise memory. */
export function createTokenBudget(
  redis: Redis | undefined,
  options: TokenBudgetOptions & { logger?: Pick<Logger, 'warn' | 'info'> },
): TokenBudget {
  const { logger, ...budget } = options;
  const local = createMemoryTokenBudget(budget);
  return redis ? withLocalFallback(createRedisTokenBudget(redis, budget), local, { logger }) : local;
}

/**
 * Waits until `tokens` can be reserved (for background work such as ingestion's embeddings, which
 * may wait for the window to refill rather than fail). Rejects when `signal` aborts.
 */
export async function reserveWhenAvailable(
  budget: TokenBudget,
  tokens: number,
  options: { signal?: AbortSignal; pollMs?: number } = {},
): Promise<Reservation> {
  const pollMs = options.pollMs ?? 500;
  for (;;) {
    options.signal?.throwIfAborted();
    const reservation = await budget.reserve(tokens);
    if (reservation) return reservation;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(done, pollMs);
      function done() {
        options.signal?.removeEventListener('abort', abort);
        resolve();
      }
      function abort() {
        clearTimeout(timer);
        reject(options.signal?.reason as Error);
      }
      options.signal?.addEventListener('abort', abort, { once: true });
    });
  }
}
