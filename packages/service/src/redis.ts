import { Redis } from 'ioredis';

/** One ioredis client when REDIS_URL is set; the in-memory implementations are used otherwise. */
export function createRedis(url: string | undefined): Redis | undefined {
  if (!url) return undefined;
  return new Redis(url, { maxRetriesPerRequest: 3, enableAutoPipelining: true, lazyConnect: false });
}
