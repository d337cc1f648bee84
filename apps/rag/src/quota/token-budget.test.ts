import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '@classchat/service';
import { startPrivateRedis } from '@classchat/testkit/redis-server';
import {
  createMemoryTokenBudget,
  createRedisTokenBudget,
  createTokenBudget,
  reserveWhenAvailable,
  withLocalFallback,
  type TokenBudget,
  type TokenBudgetOptions,
} from './token-budget.js';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6390';
let redis: Redis;
const prefixes: string[] = [];

beforeAll(() => {
  redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`{${prefix}}:*`);
    if (keys.length) await redis.del(...keys);
  }
  await redis.quit();
});

const implementations: Array<[string, (o: TokenBudgetOptions) => TokenBudget]> = [
  ['in-memory', (o) => createMemoryTokenBudget(o)],
  [
    'Redis',
    (o) => {
      const keyPrefix = `test:tpm:${randomUUID()}`;
      prefixes.push(keyPrefix);
      return createRedisTokenBudget(redis, { ...o, keyPrefix });
    },
  ],
];

describe.each(implementations)('%s token budget', (_name, make) => {
  it('never lets 100 concurrent reservations exceed the limit', async () => {
    const budget = make({ limit: 1000 });
    const results = await Promise.all(Array.from({ length: 100 }, () => budget.reserve(15)));
    const granted = results.filter((r) => r !== null);
    expect(granted.reduce((s, r) => s + r.tokens, 0)).toBeLessThanOrEqual(1000);
    expect(granted).toHaveLength(66);
  });

  it('releases the difference when settled, and everything when settled to 0', async () => {
    const budget = make({ limit: 100 });
    const a = await budget.reserve(80);
    expect(a).not.toBeNull();
    expect(await budget.reserve(30)).toBeNull();
    await budget.settle(a!, 50);
    const b = await budget.reserve(30);
    expect(b).not.toBeNull();
    expect(await budget.reserve(30)).toBeNull();
    await budget.settle(a!, 0);
    await budget.settle(b!, 0);
    expect(await budget.reserve(100)).not.toBeNull();
  });

  it('refills as reservations leave the window', async () => {
    const budget = make({ limit: 10, windowMs: 300 });
    expect(await budget.reserve(10)).not.toBeNull();
    expect(await budget.reserve(1)).toBeNull();
    await new Promise((r) => setTimeout(r, 350));
    expect(await budget.reserve(10)).not.toBeNull();
  });

  it('clamps one request larger than the whole limit (it can still run alone)', async () => {
    const budget = make({ limit: 50 });
    const r = await budget.reserve(500);
    expect(r?.tokens).toBe(50);
    expect(await budget.reserve(1)).toBeNull();
  });

  it('can wait for the budget to refill (for ingestion)', async () => {
    const budget = make({ limit: 10, windowMs: 200 });
    await budget.reserve(10);
    const started = Date.now();
    const r = await reserveWhenAvailable(budget, 5, { pollMs: 20 });
    expect(r.tokens).toBe(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    const controller = new AbortController();
    await budget.reserve(5);
    const waiting = reserveWhenAvailable(budget, 10, { pollMs: 20, signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});

describe('Redis token budget across clients', () => {
  it('shares one budget between processes (two connections)', async () => {
    const other = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    try {
      const keyPrefix = `test:tpm:${randomUUID()}`;
      prefixes.push(keyPrefix);
      const a = createRedisTokenBudget(redis, { limit: 500, keyPrefix });
      const b = createRedisTokenBudget(other, { limit: 500, keyPrefix });
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).reserve(7)));
      const total = results.reduce((s, r) => s + (r?.tokens ?? 0), 0);
      expect(total).toBeLessThanOrEqual(500);
      expect(total).toBe(71 * 7);
    } finally {
      await other.quit();
    }
  });
});

describe('while Redis does not answer', () => {
  const down = () =>
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });

  it("reserves from this process's budget, and settles each reservation where it was made", async () => {
    let redisDown = false;
    let clock = 0;
    const shared = createMemoryTokenBudget({ limit: 100 });
    const flaky: TokenBudget = {
      reserve: (tokens) => (redisDown ? Promise.reject(down()) : shared.reserve(tokens)),
      settle: (r, actual) => (redisDown ? Promise.reject(down()) : shared.settle(r, actual)),
    };
    const budget = withLocalFallback(flaky, createMemoryTokenBudget({ limit: 100 }), {
      retryMs: 1000,
      now: () => clock,
    });
    const before = await budget.reserve(60);
    redisDown = true;
    const during = await budget.reserve(90);
    expect(during?.tokens).toBe(90); // the local budget, which had nothing reserved yet
    expect(await budget.reserve(20)).toBeNull(); // … and keeps to the same limit
    await budget.settle(during!, 0);
    redisDown = false;
    clock += 1000; // time to try Redis again
    expect(await budget.reserve(50)).toBeNull(); // the shared one still holds the 60 from before
    await budget.settle(before!, 0);
    expect(await budget.reserve(50)).not.toBeNull();
  });

  it('after a failure, goes straight to the local budget and tries Redis again only every retryMs', async () => {
    let tries = 0;
    let clock = 0;
    const hung: TokenBudget = {
      reserve: () => {
        tries++;
        return Promise.reject(new Error('Command timed out'));
      },
      settle: () => Promise.resolve(),
    };
    const budget = withLocalFallback(hung, createMemoryTokenBudget({ limit: 1000 }), {
      retryMs: 1000,
      now: () => clock,
    });
    for (let i = 0; i < 5; i++) expect(await budget.reserve(1)).not.toBeNull();
    expect(tries).toBe(1);
    clock += 999;
    await budget.reserve(1);
    expect(tries).toBe(1);
    clock += 1;
    await budget.reserve(1);
    await budget.reserve(1);
    expect(tries).toBe(2);
  });

  it('lets any other error through', async () => {
    const broken: TokenBudget = {
      reserve: () => Promise.reject(new Error('ERR script error')),
      settle: () => Promise.resolve(),
    };
    const budget = withLocalFallback(broken, createMemoryTokenBudget({ limit: 100 }));
    await expect(budget.reserve(1)).rejects.toThrow('ERR script error');
  });

  it('with a real Redis taken down and brought back: answers never wait for it, and it is shared again after', async () => {
    const server = await startPrivateRedis();
    const client = createRedis(server.url, { logger: pino({ level: 'silent' }) })!;
    const untilReady = async () => {
      if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    };
    try {
      await untilReady();
      const budget = createTokenBudget(client, { limit: 1000 });
      expect(await budget.reserve(100)).not.toBeNull();
      expect(await client.get('{rag:tpm}:total')).toBe('100');
      await server.kill();
      await new Promise((resolve) => client.once('reconnecting', resolve));
      const during = await budget.reserve(200);
      expect(during?.tokens).toBe(200);
      await budget.settle(during!, 150);
      await server.restart();
      await untilReady();
      // Local for up to SHARED_BUDGET_RETRY_MS more, then a reservation tries Redis and it is shared
      // again (a fresh Redis: nothing counted there until then).
      await expect
        .poll(
          async () => {
            await budget.reserve(10);
            return client.get('{rag:tpm}:total');
          },
          { timeout: 15_000, interval: 100 },
        )
        .toBe('10');
    } finally {
      client.disconnect();
      await server.close();
    }
  });
});
