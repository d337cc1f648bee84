import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryStreamState,
  createRedisStreamState,
  streamStateKey,
  type StreamIdentity,
} from './stream-state.js';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6390';
const prefix = `test:chat:stream:${randomUUID()}`;
let redis: Redis;

beforeAll(() => {
  redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const identity = (): StreamIdentity => ({
  userId: randomUUID(),
  sessionId: randomUUID(),
  startedAt: Date.now(),
});

describe('stream state keys', () => {
  it('are named chat:stream:{userId}:{sessionId}:{startedAt}', () => {
    const id = { userId: 'u', sessionId: 's', startedAt: 123 };
    expect(streamStateKey(id)).toBe('chat:stream:u:s:123');
    expect(streamStateKey({ ...id, sessionId: null })).toBe('chat:stream:u:none:123');
  });
});

describe('Redis stream state', () => {
  const store = () => createRedisStreamState(redis, { prefix });

  it('is created in progress with a 300 s TTL', async () => {
    const id = identity();
    const key = await store().start(id, { route: 'general_qa' });
    expect(key).toBe(streamStateKey(id, prefix));
    expect(JSON.parse((await redis.get(key))!)).toMatchObject({
      userId: id.userId,
      sessionId: id.sessionId,
      status: 'in_progress',
      route: 'general_qa',
    });
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(295);
    expect(ttl).toBeLessThanOrEqual(300);
  });

  it('has its TTL refreshed while streaming', async () => {
    const id = identity();
    const s = store();
    const key = await s.start(id);
    await redis.expire(key, 100); // as if 200 s had passed
    await s.refresh(id);
    expect(await redis.ttl(key)).toBeGreaterThan(295);
  });

  it('is deleted on success', async () => {
    const id = identity();
    const s = store();
    const key = await s.start(id);
    await s.complete(id);
    expect(await redis.exists(key)).toBe(0);
  });

  it('is kept 60 s marked failed on failure', async () => {
    const id = identity();
    const s = store();
    const key = await s.start(id);
    await s.fail(id, { code: 'upstream_error', message: 'boom' });
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(55);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(await s.get(id)).toMatchObject({ status: 'failed', code: 'upstream_error', error: 'boom' });
  });
});

describe('in-memory stream state', () => {
  it('follows the same lifecycle', async () => {
    const s = createMemoryStreamState();
    const id = identity();
    await s.start(id);
    expect(await s.get(id)).toMatchObject({ status: 'in_progress' });
    expect(s.ttl(id)).toBe(300);
    await s.refresh(id);
    expect(s.ttl(id)).toBe(300);
    await s.fail(id, { code: 'internal', message: 'x' });
    expect(await s.get(id)).toMatchObject({ status: 'failed' });
    expect(s.ttl(id)).toBe(60);
    const done = identity();
    await s.start(done);
    await s.complete(done);
    expect(await s.get(done)).toBeNull();
    expect(s.ttl(done)).toBeNull();
  });

  it('expires keys', async () => {
    const s = createMemoryStreamState({ ttlSeconds: 0.05 });
    const id = identity();
    await s.start(id);
    await new Promise((r) => setTimeout(r, 80));
    expect(await s.get(id)).toBeNull();
  });
});
