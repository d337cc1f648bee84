import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReplayEvent, ReplayStore } from './replay-store.js';
import { createMemoryReplayStore } from './memory-replay-store.js';
import { createRedisReplayStore } from './redis-replay-store.js';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const keyPrefix = `test:replay:${randomUUID()}:`;
let redis: Redis;

beforeAll(() => {
  redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableAutoPipelining: true });
});
afterAll(async () => {
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const sessionId = randomUUID();
const alice = randomUUID();
const bob = randomUUID();

const start = (streamId: string): ReplayEvent => ({
  type: 'chat-stream-start',
  sessionId,
  streamId,
  route: 'general_qa',
});
const token = (streamId: string, seq: number): ReplayEvent => ({
  type: 'chat-stream-token',
  sessionId,
  streamId,
  seq,
  token: `t${seq} `,
});
const complete = (streamId: string, content: string): ReplayEvent => ({
  type: 'chat-stream-complete',
  sessionId,
  streamId,
  messageId: randomUUID(),
  content,
  citations: [],
  chunkReferences: [],
  versions: [],
  currentVersion: 0,
  status: 'complete',
});
const failure = (streamId: string): ReplayEvent => ({
  type: 'chat-stream-error',
  sessionId,
  streamId,
  error: 'The model stopped answering',
  code: 'stream_interrupted',
  retryable: true,
});

async function publish(
  store: ReplayStore,
  streamId: string,
  userId: string,
  tokens: number,
  end?: 'complete' | 'error',
) {
  await store.append(streamId, userId, start(streamId));
  for (let seq = 1; seq <= tokens; seq++) await store.append(streamId, userId, token(streamId, seq));
  if (end === 'complete') await store.append(streamId, userId, complete(streamId, 'all'));
  if (end === 'error') await store.append(streamId, userId, failure(streamId));
}

const seqs = (events: ReplayEvent[]) =>
  events.map((e) => (e.type === 'chat-stream-token' ? e.seq : e.type.replace('chat-stream-', '')));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Make = (options: { ttlSeconds: number; maxEvents?: number }) => ReplayStore;

const implementations: Array<[string, Make]> = [
  ['in memory', (o) => createMemoryReplayStore(o)],
  ['in Redis', (o) => createRedisReplayStore(redis, { ...o, keyPrefix, maxStreamSeconds: 1 })],
];

describe.each(implementations)('replay store %s', (_name, make) => {
  it('replays what a client missed after the seq it has shown, in order, then the end', async () => {
    const store = make({ ttlSeconds: 60 });
    const streamId = randomUUID();
    await publish(store, streamId, alice, 5);

    const fromStart = await store.read(streamId, alice, 0);
    expect(fromStart).toMatchObject({ sessionId, ended: false, truncated: false });
    expect(seqs(fromStart!.events)).toEqual(['start', 1, 2, 3, 4, 5]);
    expect(fromStart!.events[2]).toEqual(token(streamId, 2));

    const missed = await store.read(streamId, alice, 3);
    expect(seqs(missed!.events)).toEqual([4, 5]);

    await store.append(streamId, alice, token(streamId, 6));
    await store.append(streamId, alice, complete(streamId, 't1 t2 t3 t4 t5 t6 '));
    const after = await store.read(streamId, alice, 5);
    expect(after!.ended).toBe(true);
    expect(seqs(after!.events)).toEqual([6, 'complete']);
    expect(after!.events[1]).toMatchObject({ content: 't1 t2 t3 t4 t5 t6 ', status: 'complete' });

    const caughtUp = await store.read(streamId, alice, 6);
    expect(seqs(caughtUp!.events)).toEqual(['complete']);
  });

  it('gives back exactly the events appended, during the stream and after its end', async () => {
    const store = make({ ttlSeconds: 60 });
    const streamId = randomUUID();
    const appended: ReplayEvent[] = [start(streamId)];
    const texts = ['Mito', 'chondria', ' make', ' ATP', ' ', '[1]', '.', ' é', '∑'];
    texts.forEach((t, i) => appended.push({ ...token(streamId, i + 1), token: t } as ReplayEvent));
    for (const event of appended) await store.append(streamId, alice, event);
    expect((await store.read(streamId, alice, 0))!.events).toEqual(appended);
    appended.push(complete(streamId, texts.join('')));
    await store.append(streamId, alice, appended.at(-1)!);
    expect((await store.read(streamId, alice, 0))!.events).toEqual(appended);
    expect((await store.read(streamId, alice, 7))!.events).toEqual(appended.slice(8));
  });

  it('keeps an error end, and ignores anything appended after the end', async () => {
    const store = make({ ttlSeconds: 60 });
    const streamId = randomUUID();
    await publish(store, streamId, alice, 2, 'error');
    await store.append(streamId, alice, complete(streamId, 'late')).catch(() => undefined);
    const read = await store.read(streamId, alice, 1);
    expect(read!.ended).toBe(true);
    expect(seqs(read!.events)).toEqual([2, 'error']);
    expect(read!.events[1]).toMatchObject({ code: 'stream_interrupted', retryable: true });
  });

  it("gives nothing for an unknown stream or another user's stream, and never mixes a reused id", async () => {
    const store = make({ ttlSeconds: 60 });
    const streamId = randomUUID();
    await publish(store, streamId, alice, 3, 'complete');
    expect(await store.read(randomUUID(), alice, 0)).toBeNull();
    expect(await store.read(streamId, bob, 0)).toBeNull();

    // Bob reusing Alice's stream id gets a buffer of his own.
    await store.append(streamId, bob, start(streamId));
    await store.append(streamId, bob, token(streamId, 1));
    expect(seqs((await store.read(streamId, bob, 0))!.events)).toEqual(['start', 1]);
    expect(seqs((await store.read(streamId, alice, 0))!.events)).toEqual(['start', 1, 2, 3, 'complete']);
  });

  it('forgets a stream once its time after the last event is up', async () => {
    const store = make({ ttlSeconds: 0.15 });
    const streamId = randomUUID();
    await publish(store, streamId, alice, 2, 'complete');
    expect(await store.read(streamId, alice, 0)).not.toBeNull();
    await sleep(400);
    expect(await store.read(streamId, alice, 0)).toBeNull();
  });
});

describe.each(implementations)('replay store %s, appends not yet answered', (_name, make) => {
  it('a read issued after appends sees them, whether or not they were answered', async () => {
    const store = make({ ttlSeconds: 60 });
    const streamId = randomUUID();
    const appends = [store.append(streamId, alice, start(streamId))];
    for (let seq = 1; seq <= 5; seq++) appends.push(store.append(streamId, alice, token(streamId, seq)));
    // A client that was sent seq 3 live resumes before the appends were answered: it gets 4 and 5.
    const resumed = await store.read(streamId, alice, 3);
    expect(seqs(resumed!.events)).toEqual([4, 5]);
    appends.push(store.append(streamId, alice, token(streamId, 6)));
    appends.push(store.append(streamId, alice, complete(streamId, 'all')));
    expect(seqs((await store.read(streamId, alice, 5))!.events)).toEqual([6, 'complete']);
    await Promise.all(appends);
  });
});

describe.each(implementations)('replay store %s, read in batches', (_name, make) => {
  it('gives at most `limit` events per read, in order, the end only once everything before it was read', async () => {
    const store = make({ ttlSeconds: 60 });
    const streamId = randomUUID();
    await publish(store, streamId, alice, 5, 'complete');
    const first = (await store.read(streamId, alice, 0, 3))!;
    expect(seqs(first.events)).toEqual(['start', 1, 2]);
    expect(first.ended).toBe(false);
    const second = (await store.read(streamId, alice, 2, 3))!;
    expect(seqs(second.events)).toEqual([3, 4, 5]);
    expect(second.ended).toBe(false);
    const last = (await store.read(streamId, alice, 5, 3))!;
    expect(seqs(last.events)).toEqual(['complete']);
    expect(last.ended).toBe(true);
  });
});

describe('replay store in memory', () => {
  it('drops the oldest events beyond its bound and says when a reader needed them', async () => {
    const store = createMemoryReplayStore({ ttlSeconds: 60, maxEvents: 10 });
    const streamId = randomUUID();
    await publish(store, streamId, alice, 25, 'complete');
    const all = await store.read(streamId, alice, 0);
    expect(seqs(all!.events)).toEqual([17, 18, 19, 20, 21, 22, 23, 24, 25, 'complete']);
    expect(all!.truncated).toBe(true);
    expect((await store.read(streamId, alice, 10))!.truncated).toBe(true);
    const recent = await store.read(streamId, alice, 16);
    expect(recent!.truncated).toBe(false);
    expect(seqs(recent!.events)).toEqual([17, 18, 19, 20, 21, 22, 23, 24, 25, 'complete']);
  });

  it('expires streams lazily on its own clock, keeping live ones, with no timer', async () => {
    let clock = 0;
    const store = createMemoryReplayStore({ ttlSeconds: 10, now: () => clock });
    const ended = randomUUID();
    const live = randomUUID();
    await publish(store, ended, alice, 1, 'complete');
    clock = 5_000;
    await publish(store, live, alice, 1);
    clock = 9_999;
    expect(store.size).toBe(2);
    clock = 10_000;
    expect(await store.read(ended, alice, 0)).toBeNull();
    expect(store.size).toBe(1);
    clock = 14_000;
    await store.append(live, alice, token(live, 2)); // touching a live stream extends it
    clock = 20_000;
    expect(seqs((await store.read(live, alice, 0))!.events)).toEqual(['start', 1, 2]);
    clock = 24_000;
    expect(store.size).toBe(0);
  });

  it('keeps a running stream as long as it may still run, a finished one only the TTL after its end', async () => {
    let clock = 0;
    const store = createMemoryReplayStore({ ttlSeconds: 10, maxStreamSeconds: 120, now: () => clock });
    const quiet = randomUUID();
    const done = randomUUID();
    await publish(store, quiet, alice, 1);
    await publish(store, done, alice, 1);
    clock = 60_000;
    await store.append(done, alice, complete(done, 'all'));
    clock = 69_999;
    expect(seqs((await store.read(done, alice, 1))!.events)).toEqual(['complete']);
    clock = 70_000;
    expect(await store.read(done, alice, 0)).toBeNull();
    // Silent since its first token, the running stream is still there until it could no longer run.
    clock = 129_999;
    expect(seqs((await store.read(quiet, alice, 0))!.events)).toEqual(['start', 1]);
    clock = 130_000;
    expect(await store.read(quiet, alice, 0)).toBeNull();
    expect(store.size).toBe(0);
  });

  it("renews a running stream's expiry at most every tenth of the TTL, keeping every token", async () => {
    let clock = 0;
    const store = createMemoryReplayStore({ ttlSeconds: 10, now: () => clock });
    const quick = randomUUID();
    const steady = randomUUID();
    await store.append(quick, alice, start(quick));
    await store.append(steady, alice, start(steady));
    for (let seq = 1; seq <= 20; seq++) {
      clock = seq * 100;
      // `quick` writes 9 tokens within the first tenth of the TTL: its expiry is not renewed.
      if (seq <= 9) await store.append(quick, alice, token(quick, seq));
      await store.append(steady, alice, token(steady, seq));
    }
    clock = 2_500;
    await store.append(steady, alice, token(steady, 21)); // last renewed at 2 000: expires at 12 000
    clock = 9_999;
    expect(seqs((await store.read(quick, alice, 0))!.events)).toEqual(['start', 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    clock = 10_000;
    expect(await store.read(quick, alice, 0)).toBeNull();
    clock = 11_999;
    expect(seqs((await store.read(steady, alice, 0))!.events)).toEqual([
      'start',
      ...Array.from({ length: 21 }, (_, i) => i + 1),
    ]);
    clock = 12_000;
    expect(store.size).toBe(0);
  });
});

describe('replay store in Redis', () => {
  it('caps the Redis Stream and marks a read that lost events as truncated', async () => {
    const store = createRedisReplayStore(redis, { ttlSeconds: 60, maxEvents: 100, keyPrefix });
    const streamId = randomUUID();
    await publish(store, streamId, alice, 1000, 'complete');
    const key = `${keyPrefix}chat:replay:{${streamId}}:${alice}`;
    const length = await redis.xlen(key);
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(300); // MAXLEN ~ trims whole radix-tree nodes
    const all = await store.read(streamId, alice, 0);
    expect(all!.truncated).toBe(true);
    const recent = await store.read(streamId, alice, 995);
    expect(recent!.truncated).toBe(false);
    expect(seqs(recent!.events)).toEqual([996, 997, 998, 999, 1000, 'complete']);
  });

  it('keeps a live stream for its longest run plus the replay window, then the window after its end', async () => {
    const store = createRedisReplayStore(redis, { ttlSeconds: 30, maxStreamSeconds: 120, keyPrefix });
    const streamId = randomUUID();
    const key = `${keyPrefix}chat:replay:{${streamId}}:${alice}`;
    await publish(store, streamId, alice, 3);
    expect(await redis.pttl(key)).toBeGreaterThan(140_000);
    expect(await redis.pttl(`${key}:meta`)).toBeGreaterThan(140_000);
    await store.append(streamId, alice, complete(streamId, 'x'));
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
    expect(await redis.pttl(`${key}:meta`)).toBeLessThanOrEqual(30_000);
  });

  it('sends the appends of one turn of the event loop, across streams, as one pipeline', async () => {
    const store = createRedisReplayStore(redis, { ttlSeconds: 60, keyPrefix });
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const pipelines = vi.spyOn(redis, 'pipeline');
    try {
      const appends: Array<Promise<void>> = [];
      for (const id of ids) appends.push(store.append(id, alice, start(id)));
      for (let seq = 1; seq <= 20; seq++) {
        for (const id of ids) appends.push(store.append(id, alice, token(id, seq)));
      }
      await Promise.all(appends);
      expect(pipelines).toHaveBeenCalledTimes(1);
      expect(new Set(appends).size).toBe(1);
      // The next turn's appends are the next batch.
      await Promise.all(ids.map((id) => store.append(id, alice, complete(id, 'all'))));
      expect(pipelines).toHaveBeenCalledTimes(2);
    } finally {
      pipelines.mockRestore();
    }
    for (const id of ids) {
      const read = await store.read(id, alice, 0);
      expect(seqs(read!.events)).toEqual([
        'start',
        ...Array.from({ length: 20 }, (_, i) => i + 1),
        'complete',
      ]);
    }
  });

  it('refuses events appended out of order instead of corrupting the replay', async () => {
    const store = createRedisReplayStore(redis, { ttlSeconds: 60, keyPrefix });
    const streamId = randomUUID();
    await publish(store, streamId, alice, 3);
    await expect(store.append(streamId, alice, token(streamId, 2))).rejects.toThrow();
    expect(seqs((await store.read(streamId, alice, 0))!.events)).toEqual(['start', 1, 2, 3]);
  });

  it("a running stream's lease: held while renewed, lapsed when its process stops renewing, moot once ended", async () => {
    const store = createRedisReplayStore(redis, { ttlSeconds: 60, keyPrefix, ownerLeaseMs: 200 });
    const streamId = randomUUID();
    await store.keepAlive([{ streamId, userId: alice }]);
    await publish(store, streamId, alice, 2);
    expect((await store.read(streamId, alice, 0))!.ownerAlive).toBe(true);
    expect(await redis.pttl(`${keyPrefix}chat:replay:{${streamId}}:${alice}:owner`)).toBeLessThanOrEqual(200);
    await until(async () => !(await store.read(streamId, alice, 0))!.ownerAlive);
    await store.keepAlive([{ streamId, userId: alice }]);
    expect((await store.read(streamId, alice, 0))!.ownerAlive).toBe(true);
    await store.append(streamId, alice, complete(streamId, 'all'));
    expect(await redis.exists(`${keyPrefix}chat:replay:{${streamId}}:${alice}:owner`)).toBe(0);
    expect((await store.read(streamId, alice, 0))!.ownerAlive).toBe(true);
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
