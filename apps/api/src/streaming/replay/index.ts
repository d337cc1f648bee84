import type { Redis } from 'ioredis';
import { createMemoryReplayStore } from './memory-replay-store.js';
import { createRedisReplayStore } from './redis-replay-store.js';
import type { ReplayStore } from './replay-store.js';

export * from './replay-store.js';
export { createMemoryReplayStore } from './memory-replay-store.js';
export {
  createRedisReplayStore,
  replayKey,
  streamOwnerAlive,
  type RedisReplayStoreOptions,
} from './redis-replay-store.js';

/** The replay buffer: a Redis Stream per stream when Redis is configured, this process's memory otherwise. */
export function createReplayStore(options: {
  redis: Redis | undefined;
  /** STREAM_REPLAY_TTL_S */
  ttlSeconds: number;
  /** STREAM_MAX_DURATION_S */
  maxStreamSeconds: number;
  maxEvents?: number;
  keyPrefix?: string;
  /** STREAM_OWNER_LEASE_MS (Redis only: in memory the buffer dies with its owner). */
  ownerLeaseMs?: number;
}): ReplayStore {
  const { redis, ...rest } = options;
  return redis ? createRedisReplayStore(redis, rest) : createMemoryReplayStore(rest);
}
