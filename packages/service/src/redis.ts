import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { AppError } from '@classchat/contracts';
import type { ReadinessCheck } from './health.js';

/** What every error and log about a Redis outage starts with, so it says what is down. */
export const REDIS_UNAVAILABLE = 'Redis is unavailable';

/** Default of REDIS_COMMAND_TIMEOUT_MS: the longest a command waits for Redis's answer. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 1000;

export interface RedisClientOptions {
  logger: Pick<Logger, 'warn' | 'info' | 'debug'>;
  /** REDIS_COMMAND_TIMEOUT_MS. */
  commandTimeoutMs?: number;
}

const noop = () => undefined;

/**
 * Options of the clients `duplicate()` gives (the Socket.IO adapter's subscriber and stream
 * readers): these wait for Redis instead of failing, so a SUBSCRIBE or a blocking XREAD issued during
 * an outage takes effect once Redis is back (a failed SUBSCRIBE would never be retried), and a
 * blocking read is not cut by the command timeout.
 */
const WAITING: Partial<RedisOptions> = {
  enableOfflineQueue: true,
  maxRetriesPerRequest: null,
  commandTimeout: undefined,
};

/**
 * ioredis, with two guarantees on top:
 *
 * - every command's rejection is observed here, so a library that sends a command without waiting
 *   for it (the Socket.IO streams adapter's session `SET` and `PUBLISH`) cannot end the process with
 *   an unhandled rejection when Redis is down; whoever awaits the command still gets its error;
 * - `duplicate()` clients wait for Redis (see `WAITING`) and are disconnected with this one.
 */
class GuardedRedis extends Redis {
  private readonly duplicates = new Set<Redis>();

  override sendCommand(...args: Parameters<Redis['sendCommand']>): unknown {
    const result = super.sendCommand(...args);
    if (result instanceof Promise) result.catch(noop);
    return result;
  }

  override duplicate(override?: Partial<RedisOptions>): Redis {
    const copy = new GuardedRedis({ ...this.options, ...WAITING, ...override });
    // The outage is logged by the client this one was duplicated from.
    copy.on('error', noop);
    this.duplicates.add(copy);
    copy.once('end', () => this.duplicates.delete(copy));
    return copy;
  }

  /** The statuses of the `duplicate()` clients that are not connected and ready. */
  unreadyCopies(): string[] {
    return [...this.duplicates].filter((copy) => copy.status !== 'ready').map((copy) => copy.status);
  }

  override disconnect(reconnect = false): void {
    if (!reconnect) for (const copy of this.duplicates) copy.disconnect();
    super.disconnect(reconnect);
  }
}

/**
 * The Redis client of a service when REDIS_URL is set (the in-memory implementations are used
 * otherwise). It fails fast, because a request that waits for Redis is worse than one that degrades
 * or answers 503: while Redis is down a command fails at once (no offline queue; commands in flight
 * when the connection drops fail instead of being retried), and one Redis does not answer fails after
 * `commandTimeoutMs`. It reconnects in the background (at most every 2 s); losing and regaining
 * Redis is logged once each.
 */
export function createRedis(url: string | undefined, options: RedisClientOptions): Redis | undefined {
  if (!url) return undefined;
  const client = new GuardedRedis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
    lazyConnect: false,
  });
  const { logger } = options;
  let down = false;
  client.on('error', (err: Error) => logger.debug({ err }, 'redis connection error'));
  client.on('reconnecting', () => {
    if (down) return;
    down = true;
    logger.warn(`${REDIS_UNAVAILABLE}: reconnecting; what uses it degrades until it answers`);
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('Redis is available again');
  });
  return client;
}

/** How long `connectRedis` waits for Redis before a service starts without it. */
const START_WAIT_MS = 2000;

/**
 * `createRedis`, connected: since commands fail rather than queue until Redis is connected, start-up
 * gives it a moment to connect, and goes on without it when it does not (what uses Redis degrades
 * until it answers; the client keeps trying).
 */
export async function connectRedis(
  url: string | undefined,
  options: RedisClientOptions & { waitMs?: number },
): Promise<Redis | undefined> {
  const client = createRedis(url, options);
  if (client && !(await redisReady(client, options.waitMs ?? START_WAIT_MS))) {
    options.logger.warn(`${REDIS_UNAVAILABLE} at start-up; starting without it`);
  }
  return client;
}

/** Resolves true once `redis` is connected, false if it is not within `timeoutMs` (it keeps trying). */
function redisReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.on('ready', onReady);
  });
}

const UNAVAILABLE_MESSAGES = new Set([
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Connection is closed.',
  'Command timed out',
]);
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * True when `err`, from a Redis command, means Redis did not answer (down, unreachable, too slow,
 * still loading its data) rather than that it refused the command.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError' || UNAVAILABLE_MESSAGES.has(err.message)) return true;
  if (err.name === 'ReplyError') return err.message.startsWith('LOADING');
  const code = (err as NodeJS.ErrnoException).code;
  return code !== undefined && UNAVAILABLE_CODES.has(code);
}

/** The error a request that cannot do without Redis answers: 503 `unavailable`, saying what is down. */
export function redisUnavailableError(cause?: unknown): AppError {
  const error = new AppError('unavailable', `${REDIS_UNAVAILABLE}. Please try again in a moment.`);
  if (cause !== undefined) error.cause = cause;
  return error;
}

/**
 * `/readyz`'s check of a Redis client: connected, a PING answered, and its `duplicate()` clients
 * connected too. Those are the Socket.IO adapter's readers: the main client is often back from an
 * outage before them, and until they are, events from other processes (a stream's start, Stop) do
 * not arrive.
 */
export function redisReadiness(redis: Redis): ReadinessCheck {
  return async () => {
    if (redis.status !== 'ready') throw new Error(`${REDIS_UNAVAILABLE} (${redis.status})`);
    const copies = redis instanceof GuardedRedis ? redis.unreadyCopies() : [];
    if (copies.length > 0) {
      throw new Error(`${REDIS_UNAVAILABLE} (a reading connection is ${copies[0]!})`);
    }
    try {
      await redis.ping();
    } catch (err) {
      throw new Error(`${REDIS_UNAVAILABLE} (${err instanceof Error ? err.message : String(err)})`);
    }
  };
}
