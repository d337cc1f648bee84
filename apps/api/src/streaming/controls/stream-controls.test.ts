import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApiProcess, startStack, type RecordedChatRequest, type Stack } from '@classchat/testkit';
import {
  createUser,
  repositoriesOf,
  seedDocument,
  startChat,
  usage,
  type TestUser,
} from '../../chat/chat.test-helpers.js';
import { loadApiConfig } from '../../config.js';
import { startApi } from '../../server.js';
import { ResumingClient } from './resuming-client.test-helpers.js';

/** `n` words, one model token each: "w1 w2 … wn ". */
const words = (n: number, prefix = 'w') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1} `);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Test hook: the api forgets every disconnected socket's session, so Socket.IO can never recover
 * one (each reconnect is a new connection). Returns the function that turns recovery back on.
 */
function disableRecovery(stack: Stack): () => void {
  const adapter = stack.api.ctx.realtime.io.of('/').adapter;
  const restoreSession = adapter.restoreSession;
  adapter.restoreSession = (() => Promise.resolve(null)) as unknown as typeof restoreSession;
  return () => {
    adapter.restoreSession = restoreSession;
  };
}

interface Fixture {
  stack: Stack;
  clients: ResumingClient[];
  user(name: string): Promise<TestUser & { classId: string }>;
  client(
    user: TestUser,
    streamId: string,
    options?: { resumeOnReconnect?: boolean; reconnectionDelayMs?: number; apiUrl?: string },
  ): Promise<ResumingClient>;
  lastChatRequest(): Promise<RecordedChatRequest>;
}

function fixture(options: { redis?: boolean; api?: Record<string, string> } = {}): Fixture {
  const f: Fixture = {
    stack: undefined as unknown as Stack,
    clients: [],
    async user(name) {
      const user = await createUser(f.stack, { name });
      const { classId } = await seedDocument(f.stack, user.id);
      return { ...user, classId };
    },
    async client(user, streamId, { apiUrl = f.stack.apiUrl, ...clientOptions } = {}) {
      const client = new ResumingClient(apiUrl, user.token, streamId, clientOptions);
      f.clients.push(client);
      await client.connected();
      return client;
    },
    async lastChatRequest() {
      const upstream = f.stack.upstream!;
      await upstream.waitForRequests(1, { kind: 'chat' });
      return upstream.chatRequests.at(-1)!;
    },
  };
  beforeAll(async () => {
    f.stack = await startStack({
      redis: options.redis ?? false,
      ...(options.api ? { api: options.api } : {}),
    });
  });
  afterEach(async () => {
    for (const c of f.clients.splice(0)) c.close();
    await f.stack.upstream?.waitForIdle();
    f.stack.upstream?.reset();
  });
  afterAll(async () => {
    await f.stack?.stop();
  });
  return f;
}

/** The client got the whole answer, as text and as the saved content. */
function expectWholeAnswer(client: ResumingClient, tokens: string[]) {
  expect(client.text).toBe(tokens.join(''));
  expect(client.complete!.content).toBe(tokens.join(''));
}

/** Every seq the client received came once: none skipped, none repeated, one end. */
function expectEverySeqOnce(client: ResumingClient) {
  expect(client.tokensReceived).toBe(client.lastSeq);
  expect(client.duplicatesDropped).toBe(0);
  expect(client.terminalsReceived).toBe(1);
}

const ask = (
  f: Fixture,
  user: TestUser & { classId: string },
  streamId: string,
  message = 'Explain mitochondria',
) => startChat(f.stack, user, { message, classId: user.classId, streamId });

describe('Stop', () => {
  const f = fixture();

  it('with tokens sent: aborts the model call, saves the partial answer as stopped and counts the chat', async () => {
    const user = await f.user('stopper');
    f.stack.upstream!.setDefault({ tokens: words(200), tokenDelayMs: 20 });
    const streamId = randomUUID();
    const client = await f.client(user, streamId);
    const accepted = await ask(f, user, streamId);
    await client.shown(5);

    expect(await client.cancel()).toEqual({ ok: true, found: true });
    await client.end();

    const request = await f.lastChatRequest();
    const settled = await request.settled;
    expect(settled.clientDisconnected).toBe(true);
    expect(request.tokensSent.length).toBeLessThan(200);

    expect(client.error).toBeNull();
    expect(client.complete).toMatchObject({ status: 'stopped', sessionId: accepted.chatSessionId });
    expect(client.complete!.content).toBe(client.text);
    expect(client.text.length).toBeGreaterThan(0);
    expect(words(200).join('').startsWith(client.text)).toBe(true);

    const messages = await repositoriesOf(f.stack).messages.list(user.id, accepted.chatSessionId);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(messages[1]).toMatchObject({
      status: 'stopped',
      content: client.text,
      id: client.complete!.messageId,
    });
    expect(await usage(f.stack, user.id)).toEqual({ used: 1, reserved: 0 });
    // Stopping again finds nothing running.
    expect(await client.cancel()).toEqual({ ok: true, found: false });
  });

  it('a stopped answer keeps the citations its markers point to', async () => {
    const user = await f.user('stopper-with-citations');
    f.stack.upstream!.setDefault({
      tokens: ['Mitochondria', ' make', ' ATP', ' [1]', '.', ...words(200)],
      tokenDelayMs: 20,
    });
    const streamId = randomUUID();
    const client = await f.client(user, streamId);
    const accepted = await ask(f, user, streamId);
    await client.shown(8);
    expect(await client.cancel()).toEqual({ ok: true, found: true });
    await client.end();

    expect(client.complete).toMatchObject({ status: 'stopped' });
    // The api renumbers the partial answer's markers as rag would: written back as 【n】.
    expect(client.complete!.content.startsWith('Mitochondria make ATP 【1】.')).toBe(true);
    expect(client.complete!.citations).toHaveLength(1);
    expect(client.complete!.citations[0]).toMatchObject({ n: 1 });
    expect(client.complete!.chunkReferences.length).toBeGreaterThan(0);
    const [, answer] = await repositoriesOf(f.stack).messages.list(user.id, accepted.chatSessionId);
    expect(answer).toMatchObject({ status: 'stopped', citations: client.complete!.citations });
  });

  it('before any token (REST): aborts the model call, saves nothing, counts nothing; the client gets `cancelled`', async () => {
    const user = await f.user('early-stopper');
    f.stack.upstream!.setDefault({ tokens: words(10), firstTokenDelayMs: 5_000 });
    const streamId = randomUUID();
    const client = await f.client(user, streamId);
    const accepted = await ask(f, user, streamId);
    const request = await f.lastChatRequest();

    const res = await fetch(`${f.stack.apiUrl}/api/v1/chat/streams/${streamId}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ ok: true, found: true });
    await client.end();

    expect(client.complete).toBeNull();
    expect(client.error).toMatchObject({
      code: 'cancelled',
      retryable: false,
      sessionId: accepted.chatSessionId,
    });
    expect((await request.settled).clientDisconnected).toBe(true);
    expect(request.tokensSent).toEqual([]);
    const messages = await repositoriesOf(f.stack).messages.list(user.id, accepted.chatSessionId);
    expect(messages.map((m) => m.role)).toEqual(['user']);
    expect(await usage(f.stack, user.id)).toEqual({ used: 0, reserved: 0 });
  });

  it('deleting the chat stops its running answer: model call aborted, nothing saved, but counted as a chat once text was shown', async () => {
    const user = await f.user('deleter');
    f.stack.upstream!.setDefault({ tokens: words(200), tokenDelayMs: 20 });
    const streamId = randomUUID();
    const client = await f.client(user, streamId);
    const accepted = await ask(f, user, streamId);
    await client.shown(3);
    const res = await fetch(`${f.stack.apiUrl}/api/v1/chat/sessions/${accepted.chatSessionId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(res.status).toBe(204);
    await client.end();
    expect(client.error).toMatchObject({ code: 'not_found', retryable: false });
    expect((await (await f.lastChatRequest()).settled).clientDisconnected).toBe(true);
    expect(await repositoriesOf(f.stack).sessions.get(user.id, accepted.chatSessionId)).toBeNull();
    // The student read part of the answer: deleting the chat is no way around the quota.
    expect(await usage(f.stack, user.id)).toEqual({ used: 1, reserved: 0 });
  });

  it('deleting the chat before any text was shown counts nothing', async () => {
    const user = await f.user('early-deleter');
    f.stack.upstream!.setDefault({ tokens: words(20), firstTokenDelayMs: 5_000, tokenDelayMs: 20 });
    const streamId = randomUUID();
    const client = await f.client(user, streamId);
    const accepted = await ask(f, user, streamId);
    await f.lastChatRequest();
    const res = await fetch(`${f.stack.apiUrl}/api/v1/chat/sessions/${accepted.chatSessionId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(res.status).toBe(204);
    await client.end();
    expect(client.tokensReceived).toBe(0);
    expect(await usage(f.stack, user.id)).toEqual({ used: 0, reserved: 0 });
  });

  it("cannot stop another user's stream (socket: found false; REST: 404), which goes on to completion", async () => {
    const owner = await f.user('owner');
    const other = await f.user('other');
    f.stack.upstream!.setDefault({ tokens: words(30), tokenDelayMs: 10 });
    const streamId = randomUUID();
    const ownerClient = await f.client(owner, streamId);
    const otherClient = await f.client(other, streamId);
    await ask(f, owner, streamId);
    await ownerClient.shown(2);

    expect(await otherClient.cancel()).toEqual({ ok: true, found: false });
    const res = await fetch(`${f.stack.apiUrl}/api/v1/chat/streams/${streamId}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other.token}` },
    });
    expect(res.status).toBe(404);
    const anonymous = await fetch(`${f.stack.apiUrl}/api/v1/chat/streams/${streamId}/cancel`, {
      method: 'POST',
    });
    expect(anonymous.status).toBe(401);

    await ownerClient.end();
    expect(ownerClient.complete).toMatchObject({ status: 'complete', content: words(30).join('') });
    expect(otherClient.foreignEvents + otherClient.tokensReceived).toBe(0);
  });
});

describe('Resume after reconnect (in-memory replay buffer)', () => {
  const f = fixture();

  it('a recovered socket (several drops mid-stream) receives every seq exactly once', async () => {
    const user = await f.user('recovering');
    const tokens = words(80);
    f.stack.upstream!.setDefault({ tokens, tokenDelayMs: 15 });
    const streamId = randomUUID();
    // Reconnect only once the server has surely seen the drop: a reconnect that overtakes the
    // server's notice of the disconnect finds no session to recover.
    const client = await f.client(user, streamId, { reconnectionDelayMs: 100 });
    await ask(f, user, streamId);
    for (const at of [5, 25, 45, 65]) {
      await client.shown(at);
      client.drop();
      await sleep(30); // tokens keep coming while the client is away
    }
    await client.end();

    expect(client.recoveries).toBe(4);
    // Chat events are not part of Socket.IO's recovery: the client resumes after every reconnect.
    expect(client.resumes).toHaveLength(4);
    expect(client.resumes.every((ack) => ack.ok && ack.found)).toBe(true);
    expectWholeAnswer(client, tokens);
    expectEverySeqOnce(client);
    expect(client.starts).toBe(1);
  });

  it('a reconnected socket (no recovery: each reconnect a new connection) receives every seq exactly once', async () => {
    const user = await f.user('resuming');
    const tokens = words(80);
    f.stack.upstream!.setDefault({ tokens, tokenDelayMs: 15 });
    const enableRecovery = disableRecovery(f.stack);
    try {
      const streamId = randomUUID();
      const client = await f.client(user, streamId);
      await ask(f, user, streamId);
      for (const at of [3, 20, 40, 60]) {
        await client.shown(at);
        client.drop();
        await sleep(60);
      }
      await client.end();

      expect(client.recoveries).toBe(0);
      expect(client.resumes).toHaveLength(4);
      expect(client.resumes.every((ack) => ack.ok && ack.found)).toBe(true);
      expectWholeAnswer(client, tokens);
      expectEverySeqOnce(client);
      expect(client.heldCount).toBe(0);
    } finally {
      enableRecovery();
    }
  });

  it('after the stream ended: a resume replays the rest and the final complete', async () => {
    const user = await f.user('late');
    const tokens = words(40);
    f.stack.upstream!.setDefault({ tokens, tokenDelayMs: 5 });
    const streamId = randomUUID();
    const away = await f.client(user, streamId, { resumeOnReconnect: false });
    const accepted = await ask(f, user, streamId);
    await away.shown(10);
    const seen = away.lastSeq;
    const seenText = away.text;
    away.close();
    await (
      await f.lastChatRequest()
    ).settled;
    await sleep(100);

    const back = await f.client(user, streamId);
    back.text = seenText;
    back.nextSeq = seen + 1;
    expect(await back.resume()).toEqual({ ok: true, found: true });
    await back.end();
    expect(back.text).toBe(tokens.join(''));
    expect(back.tokensReceived).toBe(back.lastSeq - seen);
    expect(back.duplicatesDropped).toBe(0);
    expect(back.complete).toMatchObject({ status: 'complete', sessionId: accepted.chatSessionId });
    expect(back.starts).toBe(0);
  });

  it('a tab that reloads mid-stream (new socket, same user, resume from 0) receives every seq exactly once', async () => {
    const user = await f.user('reloader');
    const tokens = words(60);
    f.stack.upstream!.setDefault({ tokens, tokenDelayMs: 20 });
    const streamId = randomUUID();
    const before = await f.client(user, streamId, { resumeOnReconnect: false });
    await ask(f, user, streamId);
    await before.shown(15);
    before.close();

    const reloaded = await f.client(user, streamId);
    await sleep(50); // live tokens go by before the page asks: not for this socket yet
    expect(await reloaded.resume(0)).toEqual({ ok: true, found: true });
    await reloaded.end();
    expect(reloaded.starts).toBe(1);
    expectWholeAnswer(reloaded, tokens);
    expectEverySeqOnce(reloaded);
  });

  it('a second tab opened mid-stream and the first tab each receive every seq exactly once', async () => {
    const user = await f.user('two-tabs');
    const tokens = words(60);
    f.stack.upstream!.setDefault({ tokens, tokenDelayMs: 20 });
    const streamId = randomUUID();
    const first = await f.client(user, streamId);
    await ask(f, user, streamId);
    await first.shown(10);
    const second = await f.client(user, streamId);
    expect(await second.resume(0)).toEqual({ ok: true, found: true });
    // The view mounts again and asks from what it has shown: nothing repeats.
    expect(await second.resume()).toEqual({ ok: true, found: true });
    await Promise.all([first.end(), second.end()]);
    for (const tab of [first, second]) {
      expect(tab.text).toBe(tokens.join(''));
      expect(tab.starts).toBe(1);
      expectEverySeqOnce(tab);
    }
  });

  it("gives another user's resume nothing", async () => {
    const owner = await f.user('owner2');
    const intruder = await f.user('intruder');
    f.stack.upstream!.setDefault({ tokens: words(20), tokenDelayMs: 10 });
    const streamId = randomUUID();
    const ownerClient = await f.client(owner, streamId);
    const intruderClient = await f.client(intruder, streamId);
    await ask(f, owner, streamId);
    await ownerClient.shown(3);
    expect(await intruderClient.resume(0)).toEqual({ ok: true, found: false });
    await ownerClient.end();
    expect(await intruderClient.resume(0)).toEqual({ ok: true, found: false });
    expect(await intruderClient.resume(0)).toEqual({ ok: true, found: false });
    await sleep(50);
    expect(intruderClient.foreignEvents + intruderClient.tokensReceived + intruderClient.starts).toBe(0);
    expect(await ownerClient.resume(19)).toEqual({ ok: true, found: true });
  });

  it('answers a malformed or unknown resume or cancel with found false', async () => {
    const user = await f.user('confused');
    const client = await f.client(user, randomUUID());
    expect(await client.resume(0)).toEqual({ ok: true, found: false });
    const bad = (await client.socket
      .timeout(2000)
      .emitWithAck('chat-stream-resume', { streamId: 'nope', afterSeq: -1 })) as unknown;
    expect(bad).toEqual({ ok: false, found: false });
    const badCancel = (await client.socket.timeout(2000).emitWithAck('chat-stream-cancel', {})) as unknown;
    expect(badCancel).toEqual({ ok: false, found: false });
  });
});

describe('Resume after reconnect (Redis replay buffer, Redis Streams adapter)', () => {
  const f = fixture({ redis: true });

  it('drops with and without recovery, then a reload: every client ends with exactly the full answer', async () => {
    const user = await f.user('redis-user');
    const tokens = words(80);
    f.stack.upstream!.setDefault({ tokens, tokenDelayMs: 15 });
    const streamId = randomUUID();
    const recovering = await f.client(user, streamId, { reconnectionDelayMs: 100 });
    await ask(f, user, streamId);

    await recovering.shown(5);
    recovering.drop();
    await recovering.shown(20);
    const enableRecovery = disableRecovery(f.stack);
    try {
      recovering.drop();
      await recovering.shown(40);
      recovering.drop();
      await recovering.shown(45);
    } finally {
      enableRecovery();
    }
    const reloaded = await f.client(user, streamId);
    expect(await reloaded.resume(0)).toEqual({ ok: true, found: true });
    await Promise.all([recovering.end(), reloaded.end()]);

    expect(recovering.recoveries).toBeGreaterThanOrEqual(1);
    expect(recovering.resumes.length).toBeGreaterThanOrEqual(1);
    for (const client of [recovering, reloaded]) {
      expectWholeAnswer(client, tokens);
      expectEverySeqOnce(client);
    }
    const other = await f.user('redis-intruder');
    const intruder = await f.client(other, streamId);
    expect(await intruder.resume(0)).toEqual({ ok: true, found: false });
  });

  it('across api processes: a socket on another process gets the live answer, resumes it and stops it', async () => {
    const second = await startApi(loadApiConfig(f.stack.apiEnv));
    try {
      const user = await f.user('clustered');
      const tokens = words(300);
      f.stack.upstream!.setDefault({ tokens, tokenDelayMs: 15 });
      const streamId = randomUUID();
      const elsewhere = await f.client(user, streamId, { apiUrl: second.url });
      await ask(f, user, streamId); // runs in the first process

      await elsewhere.shown(10); // live, through the shared adapter
      const late = await f.client(user, streamId, { apiUrl: second.url });
      expect(await late.resume(0)).toEqual({ ok: true, found: true }); // from the shared replay buffer
      await late.shown(elsewhere.lastSeq);

      expect(await elsewhere.cancel()).toEqual({ ok: true, found: true });
      await Promise.all([elsewhere.end(), late.end()]);
      expect(elsewhere.complete).toMatchObject({ status: 'stopped' });
      expect(elsewhere.complete!.content).toBe(elsewhere.text);
      expect(late.text).toBe(elsewhere.text);
      for (const client of [elsewhere, late]) expectEverySeqOnce(client);
      expect((await (await f.lastChatRequest()).settled).clientDisconnected).toBe(true);
      expect(await usage(f.stack, user.id)).toEqual({ used: 1, reserved: 0 });

      const other = await f.user('clustered-intruder');
      const intruder = await f.client(other, streamId, { apiUrl: second.url });
      expect(await intruder.cancel()).toEqual({ ok: true, found: false });
    } finally {
      for (const c of f.clients.splice(0)) c.close();
      await second.stop();
    }
  });
});

describe('an api process that dies mid-answer (Redis)', () => {
  const LEASE_MS = 1_000;
  const f = fixture({ redis: true, api: { STREAM_OWNER_LEASE_MS: String(LEASE_MS) } });

  it('kill -9 of the process writing the answer: the socket watching it elsewhere gets a retryable interrupted end, a reload shows no running answer', async () => {
    const owner = await startApiProcess(f.stack.apiEnv);
    try {
      const user = await f.user('orphaned');
      f.stack.upstream!.setDefault({ tokens: words(400), tokenDelayMs: 25 });
      const streamId = randomUUID();
      const watching = await f.client(user, streamId); // on the surviving process
      const accepted = await startChat({ ...f.stack, apiUrl: owner.url }, user, {
        message: 'Explain mitochondria',
        classId: user.classId,
        streamId,
      });
      await watching.shown(5);
      const exited = new Promise((resolve) => owner.child.once('exit', resolve));
      owner.child.kill('SIGKILL');
      await exited;

      // Within a few leases: the lease lapses, the surviving process's check finds it.
      await watching.end(10 * LEASE_MS);
      expect(watching.complete).toBeNull();
      expect(watching.error).toMatchObject({ code: 'stream_interrupted', retryable: true, streamId });
      expect(watching.terminalsReceived).toBe(1);

      const res = await fetch(`${f.stack.apiUrl}/api/v1/chat/sessions/${accepted.chatSessionId}`, {
        headers: { authorization: `Bearer ${user.token}` },
      });
      expect(((await res.json()) as { activeStream: unknown }).activeStream).toBeNull();

      // A tab that reloads and asks gets the same end.
      const reloaded = await f.client(user, streamId);
      expect(await reloaded.resume(0)).toEqual({ ok: true, found: true });
      await reloaded.end(5_000);
      expect(reloaded.error).toMatchObject({ code: 'stream_interrupted', retryable: true });
      expect(reloaded.tokensReceived).toBe(reloaded.lastSeq);
    } finally {
      if (owner.child.exitCode === null && owner.child.signalCode === null) owner.child.kill('SIGKILL');
    }
  }, 60_000);
});
