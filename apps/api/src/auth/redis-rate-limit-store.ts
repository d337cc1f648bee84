import type { Options } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisStore, type RedisReply } from 'rate-limit-redis';

/**
 * rate-limit-redis loads its Lua scripts once, when the limiter is created, and keeps the promise:
 * an api that started while Redis was down failed every later count on that first failure, so with
 * `passOnStoreError` its limit was off until a restart. Here a script whose load failed is loaded
 * again at the next count.
 */
class ReloadingRedisStore extends RedisStore {
  override async increment(key: string) {
    await this.incrementScriptSha.catch(() => {
      this.incrementScriptSha = this.loadIncrementScript();
    });
    return super.increment(key);
  }

  override async get(key: string) {
    await this.getScriptSha.catch(() => {
      this.getScriptSha = this.loadGetScript();
    });
    return super.get(key);
  }
}

/** A store keeping a limiter's counts in Redis under `prefix`, shared by every api process. */
export function redisRateLimitStore(redis: Redis, prefix: string): RedisStore {
  return new ReloadingRedisStore({
    prefix,
    sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
  });
}

/**
 * express-rate-limit options that keep the counts in Redis under `prefix`, shared by every api
 * process. Should Redis fail (it fails fast), the request is let through rather than refused or
 * held, and that is logged here instead of on the console.
 */
export function redisRateLimitOptions(
  redis: Redis,
  prefix: string,
  logger: Pick<Logger, 'warn'>,
): Pick<Options, 'store' | 'passOnStoreError' | 'logger'> {
  const log = (err: unknown, message?: string) => logger.warn({ err }, message ?? 'rate limit store error');
  return {
    store: redisRateLimitStore(redis, prefix),
    passOnStoreError: true,
    logger: { error: log, warn: log },
  };
}
