import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionDetail } from '@classchat/contracts';
import { startStack, testRedisUrl, type Stack } from '@classchat/testkit';
import { connectSocket, createUser, startChat, until, type TestSocket } from '../chat/chat.test-helpers.js';
import { createActiveStreamIndex } from './active-streams.js';
import type { ChatEvent } from './events.js';
import { StreamRegistry } from './registry.js';

const TTL_MS = 180_000;

function begin(registry: StreamRegistry, userId: string, sessionId: string) {
  return registry.begin({
    streamId: randomUUID(),
    userId,
    sessionId,
    requestId: 'r',
    receivedAt: performance.now(),
  });
}

const tokenOf = (streamId: string, sessionId: string, seq: number): ChatEvent => ({
  type: 'chat-stream-token',
  sessionId,
  streamId,
  seq,
  token: 't',
});

describe('active stream index (this process)', () => {
  it("names the session's running stream and the seq it reached, for its owner only", async () => {
    const registry = new StreamRegistry();
    const index = createActiveStreamIndex(registry, { ttlMs: TTL_MS });
    const [user, other, sessionId] = [randomUUID(), randomUUID(), randomUUID()];
    expect(await index.find(user, sessionId)).toBeNull();

    const stream = begin(registry, user, sessionId);
    expect(await index.find(user, sessionId)).toEqual({ streamId: stream.streamId, seq: 0 });
    stream.seq = 1;
    registry.publish(stream, tokenOf(stream.streamId, sessionId, 1));
    expect(await index.find(user, sessionId)).toEqual({ streamId: stream.streamId, seq: 1 });
    expect(await index.find(other, sessionId)).toBeNull();
    expect(await index.find(user, randomUUID())).toBeNull();
  });

  it('forgets a stream once its end was published (it is saved by then) and once it left the registry', async () => {
    const registry = new StreamRegistry();
    const index = createActiveStreamIndex(registry, { ttlMs: TTL_MS });
    const [user, sessionId] = [randomUUID(), randomUUID()];
    const stream = begin(registry, user, sessionId);
    registry.publish(stream, {
      type: 'chat-stream-error',
      sessionId,
      streamId: stream.streamId,
      error: 'x',
      code: 'internal',
      retryable: true,
    });
    expect(await index.find(user, sessionId)).toBeNull();
    registry.end(stream);
    expect(await index.find(user, sessionId)).toBeNull();
  });
});

describe('active stream index shared through Redis (several api processes)', () => {
  const redis = new Redis(testRedisUrl(), { lazyConnect: true });
  const keyPrefix = `test:${randomUUID()}:`;

  beforeAll(async () => {
    await redis.connect();
  });
  afterAll(async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('a stream running in one process is named by another until it ends', async () => {
    const here = new StreamRegistry();
    const there = new StreamRegistry();
    createActiveStreamIndex(there, { redis, ttlMs: TTL_MS, keyPrefix });
    const index = createActiveStreamIndex(here, { redis, ttlMs: TTL_MS, keyPrefix });
    const [user, sessionId] = [randomUUID(), randomUUID()];

    const stream = begin(there, user, sessionId);
    const named = await until(() => index.find(user, sessionId));
    expect(named).toEqual({ streamId: stream.streamId, seq: 0 });
    expect(await index.find(randomUUID(), sessionId)).toBeNull();

    there.end(stream);
    await until(async () => (await index.find(user, sessionId)) === null);
    expect(await redis.exists(`${keyPrefix}chat:active:{${user}}:${sessionId}`)).toBe(0);
  });

  it('a stream whose process died (its lease lapsed) is not named, and its note is dropped', async () => {
    const crashed = new StreamRegistry();
    const here = new StreamRegistry();
    createActiveStreamIndex(crashed, { redis, ttlMs: TTL_MS, keyPrefix });
    const alive = new Set<string>();
    const index = createActiveStreamIndex(here, {
      redis,
      ttlMs: TTL_MS,
      keyPrefix,
      ownerAlive: (streamId) => Promise.resolve(alive.has(streamId)),
    });
    const [user, sessionId] = [randomUUID(), randomUUID()];
    const stream = begin(crashed, user, sessionId);
    alive.add(stream.streamId);
    expect(await until(() => index.find(user, sessionId))).toEqual({ streamId: stream.streamId, seq: 0 });

    // The process is gone: it never ends the stream, its lease lapses.
    alive.delete(stream.streamId);
    expect(await index.find(user, sessionId)).toBeNull();
    expect(await redis.hlen(`${keyPrefix}chat:active:{${user}}:${sessionId}`)).toBe(0);
  });
});

describe('GET chat/sessions/:id names the answer being written (activeStream)', () => {
  let stack: Stack;
  let socket: TestSocket | undefined;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    socket?.close();
    await stack?.stop();
  });

  const read = async (token: string, sessionId: string) => {
    const res = await fetch(`${stack.apiUrl}/api/v1/chat/sessions/${sessionId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const json: unknown = await res.json();
    return { status: res.status, json };
  };

  it('while the answer streams: its streamId and seq; once saved: null, with the answer in messages', async () => {
    const user = await createUser(stack);
    const intruder = await createUser(stack, { name: 'intruder' });
    socket = await connectSocket(stack, user);
    stack.upstream!.setDefault({
      reply: 'One two three four five six seven eight nine ten.',
      tokenDelayMs: 60,
    });
    const accepted = await startChat(stack, user, { message: 'What is osmosis?', streamId: randomUUID() });
    await socket.waitFor(
      (e) => e.type === 'chat-stream-token' && e.streamId === accepted.streamId && e.seq >= 2,
    );

    const during = SessionDetail.parse((await read(user.token, accepted.chatSessionId)).json);
    expect(during.activeStream?.streamId).toBe(accepted.streamId);
    expect(during.activeStream?.seq).toBeGreaterThanOrEqual(2);
    expect(during.messages.map((m) => m.role)).toEqual(['user']);
    expect((await read(intruder.token, accepted.chatSessionId)).status).toBe(404);

    await socket.terminal(accepted.streamId);
    const after = SessionDetail.parse((await read(user.token, accepted.chatSessionId)).json);
    expect(after.activeStream).toBeNull();
    expect(after.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(after.messages[1]!.content).toBe('One two three four five six seven eight nine ten.');
  });
});
