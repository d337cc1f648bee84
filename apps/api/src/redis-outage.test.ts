import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionDetail, DocumentDto } from '@classchat/contracts';
import {
  startApiProcess,
  startPrivateRedis,
  startStack,
  type PrivateRedis,
  type Stack,
} from '@classchat/testkit';
import {
  completeOf,
  connectSocket,
  seedDocument,
  startChat,
  type TestSocket,
} from './chat/chat.test-helpers.js';
import { call, signup, upload, waitForTerminal, type TestUser } from './testing/api-client.js';

/**
 * REDIS_URL set and Redis killed mid-test (then restarted): two api processes — this one (A) and
 * a child process (C, started while Redis is down, as production runs it) — and rag. No Redis
 * outage may end a process; what needs Redis degrades or fails at once saying Redis is down; the
 * processes find each other again once Redis is back.
 */

let redis: PrivateRedis;
let stack: Stack;
let c: { child: ChildProcess; url: string };
let alice: TestUser & { classId: string };
const sockets: TestSocket[] = [];

/** Promise rejections nobody handled in this process (A and rag run here). */
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

/** The helpers take a stack for its api URL: the same stack, seen through process C. */
const viaC = (): Stack => ({ ...stack, apiUrl: c.url });

const LOGIN_LIMIT_ON_C = 3;

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i + 1} `);

async function readyz(url: string): Promise<{ status: number; checks: Record<string, string> }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, checks: ((await res.json()) as { checks: Record<string, string> }).checks };
}

async function socketOf(s: Stack): Promise<TestSocket> {
  const socket = await connectSocket(s, alice);
  sockets.push(socket);
  return socket;
}

/** A chat whose answer streams slowly enough to be stopped; resolves once its first token is seen. */
async function slowChat(s: Stack, watcher: TestSocket): Promise<string> {
  stack.upstream!.setDefault({ tokens: words(400), tokenDelayMs: 15 });
  const streamId = randomUUID();
  await startChat(s, alice, { message: 'Explain mitochondria', classId: alice.classId, streamId });
  await watcher.waitFor((e) => e.streamId === streamId && e.type === 'chat-stream-token');
  return streamId;
}

const stop = (apiUrl: string, streamId: string) =>
  call(apiUrl, alice, 'POST', `/chat/streams/${streamId}/cancel`);

function expectAlive(child: ChildProcess) {
  expect({ exitCode: child.exitCode, signal: child.signalCode }).toEqual({ exitCode: null, signal: null });
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  redis = await startPrivateRedis();
  stack = await startStack({ redisUrl: redis.url });
  const user = await signup(stack.apiUrl, 'Alice');
  alice = { ...user, classId: (await seedDocument(stack, user.id)).classId };
}, 120_000);

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await stack.upstream?.waitForIdle();
  stack.upstream?.reset();
  expect(unhandled).toEqual([]);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  if (c && c.child.exitCode === null && c.child.signalCode === null) {
    const exited = new Promise((r) => c.child.once('exit', r));
    c.child.kill('SIGTERM');
    await exited;
  }
  await stack?.stop();
  await redis?.close();
});

describe('while Redis is down', () => {
  beforeAll(async () => {
    await redis.kill();
    const client = stack.api.ctx.redis!;
    if (client.status === 'ready') await new Promise((r) => client.once('reconnecting', r));
    c = await startApiProcess({ ...stack.apiEnv, LOGIN_RATE_LIMIT: String(LOGIN_LIMIT_ON_C) });
  }, 120_000);

  it('/readyz of the api (both processes) and of rag says it is Redis that is down', async () => {
    for (const url of [stack.apiUrl, c.url, stack.ragUrl]) {
      const ready = await readyz(url);
      expect(ready.status).toBe(503);
      expect(ready.checks).toMatchObject({
        database: 'ok',
        redis: expect.stringMatching(/^Redis is unavailable/) as unknown,
      });
    }
  });

  it('a socket that drops ends no process', async () => {
    const server = stack.api.ctx.realtime.io.of('/');
    for (const s of [stack, viaC()]) {
      const socket = await socketOf(s);
      const id = socket.socket.id!;
      // A transport cut, not a client disconnect: the api keeps the session for recovery (a SET).
      const dropped = new Promise((r) => socket.socket.once('disconnect', r));
      socket.socket.io.engine.close();
      await dropped;
      if (s === stack) await expect.poll(() => server.sockets.has(id)).toBe(false);
    }
    for (const url of [stack.apiUrl, c.url]) expect((await readyz(url)).status).toBe(503);
    expectAlive(c.child); // and again after every later step
  });

  it('a Stop for a stream another process runs answers 503 "Redis is unavailable" at once; the owner can still stop it', async () => {
    const onC = await socketOf(viaC());
    const streamId = await slowChat(viaC(), onC);

    const res = await stop(stack.apiUrl, streamId);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      code: 'unavailable',
      message: expect.stringMatching(/^Redis is unavailable/) as unknown,
    });
    const onA = await socketOf(stack);
    const ack: unknown = await onA.socket.timeout(10_000).emitWithAck('chat-stream-cancel', { streamId });
    expect(ack).toEqual({ ok: false, found: false });

    expect((await stop(c.url, streamId)).status).toBe(202);
    expect((await onC.terminal(streamId)).type).toBe('chat-stream-complete');
    expectAlive(c.child);
  });

  it('login, a new chat, GET session and an ingestion still work', async () => {
    const login = await call(stack.apiUrl, null, 'POST', '/user/login', {
      email: alice.email,
      password: alice.password,
    });
    expect(login.status).toBe(200);

    const socket = await socketOf(stack);
    stack.upstream!.setDefault({ tokens: words(20) });
    const streamId = randomUUID();
    const accepted = await startChat(stack, alice, {
      message: 'What is ATP?',
      classId: alice.classId,
      streamId,
    });
    const end = completeOf(await socket.terminal(streamId));
    expect(end.content).toBe(words(20).join(''));

    const session = await call(stack.apiUrl, alice, 'GET', `/chat/sessions/${accepted.chatSessionId}`);
    expect(session.status).toBe(200);
    expect((session.body as SessionDetail).activeStream ?? null).toBeNull();

    const doc = await uploadText(stack.apiUrl);
    const done = await waitForTerminal(stack.apiUrl, alice, doc.id);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'ready', error: null });
    expectAlive(c.child);
  });
});

describe('once Redis is back', () => {
  beforeAll(async () => {
    await redis.restart();
  });

  it('/readyz of both api processes and of rag is ok again', async () => {
    for (const url of [stack.apiUrl, c.url, stack.ragUrl]) {
      await expect.poll(async () => (await readyz(url)).status, { timeout: 20_000, interval: 100 }).toBe(200);
      expect((await readyz(url)).checks.redis).toBe('ok');
    }
  });

  it('the processes share rooms and Stop again, the one started during the outage included', async () => {
    const onC = await socketOf(viaC());
    const streamId = await slowChat(stack, onC); // runs in A, watched through C
    expect(await stop(c.url, streamId)).toMatchObject({ status: 202, body: { ok: true, found: true } });
    expect(completeOf(await onC.terminal(streamId)).status).toBe('stopped');
    expectAlive(c.child);
  });

  it('the login limit of the process started during the outage counts again (in Redis)', async () => {
    const wrong = { email: `nobody-${randomUUID()}@example.edu`, password: 'not the password' };
    const statuses: number[] = [];
    for (let i = 0; i <= LOGIN_LIMIT_ON_C; i++) {
      statuses.push((await call(c.url, null, 'POST', '/user/login', wrong)).status);
    }
    expect(statuses).toEqual([...Array<number>(LOGIN_LIMIT_ON_C).fill(401), 429]);
  });

  it('uploads are ingested, and the token budget is shared through Redis again', async () => {
    const doc = await uploadText(stack.apiUrl);
    expect((await waitForTerminal(stack.apiUrl, alice, doc.id)).status).toBe('ready');
    // rag tries the shared budget again within SHARED_BUDGET_RETRY_MS of its last failure.
    await expect
      .poll(
        async () => {
          await stack.rag!.ctx.tokenBudget.reserve(1);
          return stack.api.ctx.redis!.exists('{rag:tpm}:total');
        },
        { timeout: 15_000, interval: 100 },
      )
      .toBe(1);
  });
});

async function uploadText(apiUrl: string): Promise<DocumentDto> {
  const text = `Lecture notes ${randomUUID()}\n\nThe Krebs cycle runs in the mitochondrial matrix.\n`;
  const res = await upload(apiUrl, alice, { fileName: 'notes.txt', bytes: Buffer.from(text) });
  expect(res.status).toBe(201);
  return (res.body as { document: DocumentDto }).document;
}
