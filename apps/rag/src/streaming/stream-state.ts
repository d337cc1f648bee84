import type { Redis } from 'ioredis';

/** TTL of a live stream's key; refreshed while it streams (SPEC §5). */
export const STREAM_STATE_TTL_S = 300;
/** How long a failed stream's key is kept for debugging. */
export const FAILED_STREAM_TTL_S = 60;

export interface StreamIdentity {
  userId: string;
  /** The chat session, when the caller sent one. */
  sessionId: string | null;
  /** Epoch milliseconds. */
  startedAt: number;
}

export interface StreamStateValue {
  userId: string;
  sessionId: string | null;
  startedAt: string;
  status: 'in_progress' | 'failed';
  route?: string;
  error?: string;
  code?: string;
}

/** `chat:stream:{userId}:{sessionId}:{startedAt}`; a stream without a session uses `none`. */
export function streamStateKey(id: StreamIdentity, prefix = 'chat:stream'): string {
  return `${prefix}:${id.userId}:${id.sessionId ?? 'none'}:${id.startedAt}`;
}

/**
 * Where live streams are recorded (fault tolerance and debugging; SPEC §5): set when a stream
 * starts (`in_progress`, TTL 300 s), TTL refreshed while it streams, deleted on success, kept 60 s
 * marked `failed` on failure.
 */
export interface StreamStateStore {
  start(id: StreamIdentity, info?: { route?: string }): Promise<string>;
  refresh(id: StreamIdentity): Promise<void>;
  complete(id: StreamIdentity): Promise<void>;
  fail(id: StreamIdentity, error: { message: string; code: string }): Promise<void>;
  get(id: StreamIdentity): Promise<StreamStateValue | null>;
}

export interface StreamStateOptions {
  /** Key prefix, default `chat:stream` (tests use a unique one). */
  prefix?: string;
  ttlSeconds?: number;
  failedTtlSeconds?: number;
}

const initial = (id: StreamIdentity, info: { route?: string } = {}): StreamStateValue => ({
  userId: id.userId,
  sessionId: id.sessionId,
  startedAt: new Date(id.startedAt).toISOString(),
  status: 'in_progress',
  ...(info.route ? { route: info.route } : {}),
});

export function createRedisStreamState(redis: Redis, options: StreamStateOptions = {}): StreamStateStore {
  const ttl = options.ttlSeconds ?? STREAM_STATE_TTL_S;
  const failedTtl = options.failedTtlSeconds ?? FAILED_STREAM_TTL_S;
  const key = (id: StreamIdentity) => streamStateKey(id, options.prefix);
  return {
    async start(id, info) {
      const k = key(id);
      await redis.set(k, JSON.stringify(initial(id, info)), 'EX', ttl);
      return k;
    },
    async refresh(id) {
      await redis.expire(key(id), ttl);
    },
    async complete(id) {
      await redis.del(key(id));
    },
    async fail(id, error) {
      const k = key(id);
      const current = await redis.get(k);
      const base = current ? (JSON.parse(current) as StreamStateValue) : initial(id);
      const value: StreamStateValue = { ...base, status: 'failed', error: error.message, code: error.code };
      await redis.set(k, JSON.stringify(value), 'EX', failedTtl);
    },
    async get(id) {
      const value = await redis.get(key(id));
      return value ? (JSON.parse(value) as StreamStateValue) : null;
    },
  };
}

/** This process's memory (REDIS_URL unset): the same lifecycle with timers for the TTLs. */
export function createMemoryStreamState(options: StreamStateOptions = {}): StreamStateStore & {
  /** Seconds until the key expires, or null when absent (like Redis TTL, for tests). */
  ttl(id: StreamIdentity): number | null;
} {
  const ttl = options.ttlSeconds ?? STREAM_STATE_TTL_S;
  const failedTtl = options.failedTtlSeconds ?? FAILED_STREAM_TTL_S;
  const entries = new Map<string, { value: StreamStateValue; expiresAt: number; timer: NodeJS.Timeout }>();
  const key = (id: StreamIdentity) => streamStateKey(id, options.prefix);
  const put = (k: string, value: StreamStateValue, seconds: number) => {
    const old = entries.get(k);
    if (old) clearTimeout(old.timer);
    const timer = setTimeout(() => entries.delete(k), seconds * 1000);
    timer.unref();
    entries.set(k, { value, expiresAt: Date.now() + seconds * 1000, timer });
  };
  return {
    start(id, info) {
      const k = key(id);
      put(k, initial(id, info), ttl);
      return Promise.resolve(k);
    },
    refresh(id) {
      const e = entries.get(key(id));
      if (e) put(key(id), e.value, ttl);
      return Promise.resolve();
    },
    complete(id) {
      const e = entries.get(key(id));
      if (e) clearTimeout(e.timer);
      entries.delete(key(id));
      return Promise.resolve();
    },
    fail(id, error) {
      const base = entries.get(key(id))?.value ?? initial(id);
      put(key(id), { ...base, status: 'failed', error: error.message, code: error.code }, failedTtl);
      return Promise.resolve();
    },
    get(id) {
      return Promise.resolve(entries.get(key(id))?.value ?? null);
    },
    ttl(id) {
      const e = entries.get(key(id));
      return e ? Math.max(0, Math.round((e.expiresAt - Date.now()) / 1000)) : null;
    },
  };
}

export function createStreamStateStore(
  redis: Redis | undefined,
  options: StreamStateOptions = {},
): StreamStateStore {
  return redis ? createRedisStreamState(redis, options) : createMemoryStreamState(options);
}
