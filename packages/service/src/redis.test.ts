import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '@classchat/testkit/redis-server';
import { createRedis, isRedisUnavailable, redisReadiness, REDIS_UNAVAILABLE } from './redis.js';

const logger = pino({ level: 'silent' });

let server: PrivateRedis;
const clients: Redis[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

beforeAll(async () => {
  server = await startPrivateRedis();
  process.on('unhandledRejection', onUnhandled);
});

afterEach(async () => {
  server.thaw();
  await server.restart();
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  for (const c of clients) c.disconnect();
  await server?.close();
});

function client(commandTimeoutMs = 300): Redis {
  const c = createRedis(server.url, { logger, commandTimeoutMs })!;
  clients.push(c);
  return c;
}

/** Resolves once the client is in `status` (ioredis emits each status as an event of that name). */
const untilStatus = async (c: Redis, status: 'ready' | 'reconnecting' | 'end') => {
  if (c.status !== status) await new Promise((resolve) => c.once(status, resolve));
};

/** Counts the client's reconnection attempts from now on. */
function reconnects(c: Redis): { readonly count: number } {
  const counter = { count: 0 };
  c.on('reconnecting', () => counter.count++);
  return counter;
}

/** Lets pending rejections be reported (`unhandledRejection` fires after the microtask queue drains). */
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('the service Redis client during an outage', () => {
  it('fails a command at once while Redis is down, with an error recognised as Redis being unavailable', async () => {
    const c = client();
    await untilStatus(c, 'ready');
    await server.kill();
    await untilStatus(c, 'reconnecting');
    const attempts = reconnects(c);
    const err = await c.get('k').catch((e: unknown) => e);
    expect(isRedisUnavailable(err)).toBe(true);
    // Not queued until some later reconnection attempt gave up: failed before the next one.
    expect(attempts.count).toBe(0);
  });

  it('fails a command Redis does not answer (a hung server) after the command timeout', async () => {
    const c = client(200);
    await untilStatus(c, 'ready');
    server.freeze();
    const err = await c.get('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(isRedisUnavailable(err)).toBe(true);
    server.thaw();
  });

  it('a command nobody waits for does not become an unhandled rejection', async () => {
    const c = client(200);
    await untilStatus(c, 'ready');
    server.freeze();
    // What the Socket.IO streams adapter does with its session SET and its PUBLISH.
    void c.set('session', 'x');
    void c.publish('channel', 'x');
    // Sent after them on the same connection, so it fails after they have.
    await expect(c.get('k')).rejects.toThrow();
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('a subscription asked for during the outage takes effect once Redis is back (duplicates wait)', async () => {
    const c = client();
    await untilStatus(c, 'ready');
    const subscriber = c.duplicate();
    await untilStatus(subscriber, 'ready');
    await server.kill();
    await untilStatus(subscriber, 'reconnecting');
    const subscribed = subscriber.subscribe('news');
    const attempts = reconnects(subscriber);
    // A client that gave up after a few attempts would have rejected by then.
    while (attempts.count < 5) await new Promise((r) => subscriber.once('reconnecting', r));
    await server.restart();
    await subscribed;
    const received = new Promise<string>((resolve) =>
      subscriber.once('message', (_ch, m: string) => resolve(m)),
    );
    await untilStatus(c, 'ready');
    await c.publish('news', 'back');
    expect(await received).toBe('back');
    expect(unhandled).toEqual([]);
  });

  it('readiness says Redis is unavailable while it is down, and ok once it is back', async () => {
    const c = client();
    const check = redisReadiness(c);
    await untilStatus(c, 'ready');
    await expect(check()).resolves.toBeUndefined();
    await server.kill();
    await untilStatus(c, 'reconnecting');
    await expect(check()).rejects.toThrow(REDIS_UNAVAILABLE);
    await server.restart();
    await untilStatus(c, 'ready');
    await expect(check()).resolves.toBeUndefined();
  });

  it('readiness waits for the duplicated (reading) connections, which can come back after the main one', async () => {
    const c = client();
    await untilStatus(c, 'ready');
    const reader = c.duplicate({ lazyConnect: true });
    const check = redisReadiness(c);
    await expect(check()).rejects.toThrow(`${REDIS_UNAVAILABLE} (a reading connection is wait)`);
    await reader.connect();
    await expect(check()).resolves.toBeUndefined();
    reader.disconnect();
    await untilStatus(reader, 'end');
    await expect(check()).resolves.toBeUndefined();
  });
});

describe('isRedisUnavailable', () => {
  it('tells a connection failure from a command Redis refused', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(isRedisUnavailable(refused)).toBe(true);
    expect(isRedisUnavailable(new Error('Command timed out'))).toBe(true);
    const reply = Object.assign(new Error('WRONGTYPE Operation against a key'), { name: 'ReplyError' });
    expect(isRedisUnavailable(reply)).toBe(false);
    const loading = Object.assign(new Error('LOADING Redis is loading the dataset'), { name: 'ReplyError' });
    expect(isRedisUnavailable(loading)).toBe(true);
    expect(isRedisUnavailable(new Error('timeout reached: only 0 responses received out of 1'))).toBe(false);
    expect(isRedisUnavailable('nope')).toBe(false);
  });
});
