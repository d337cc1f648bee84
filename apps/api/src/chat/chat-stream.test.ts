import { randomUUID } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ChatStreamTokenPayload, type Route } from '@classchat/contracts';
import type { Stack } from '@classchat/testkit';
import {
  chat,
  completeOf,
  createUser,
  errorBodyOf,
  postChat,
  postChatSse,
  repositoriesOf,
  seedDocument,
  sharedChatStack,
  startChat,
  until,
  usage,
  type TestSocket,
} from './chat.test-helpers.js';

const METRICS_TOKEN = 'test-metrics-token';
let stack: Stack;
const open = sharedChatStack({ redis: true, api: { METRICS_TOKEN } }, (s) => (stack = s));

describe('POST chat/new → live tokens over Socket.IO', () => {
  it('answers 202 at once, then tokens arrive progressively, in order, with contiguous seq, and the saved message equals the completed content', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    const tokens = [
      'Osmosis',
      ' is',
      ' the',
      ' diffusion',
      ' of',
      ' water',
      ' across',
      ' a',
      ' membrane',
      '.',
    ];
    stack.upstream!.setDefault({ tokens, tokenDelayMs: 60 });
    const streamId = randomUUID();
    const accepted = await startChat(stack, user, { message: 'What is osmosis?', streamId });
    expect(accepted.streamId).toBe(streamId);
    expect(accepted.userMessageId).toEqual(expect.any(String));

    const first = await client.waitFor((e) => e.streamId === streamId && e.type === 'chat-stream-token');
    // Queried mid-stream, the database holds the question and no answer.
    const midStream = await repositoriesOf(stack).messages.list(user.id, accepted.chatSessionId);
    expect(midStream.map((m) => m.role)).toEqual(['user']);
    expect(stack.api.ctx.streams.get(streamId)).toBeDefined();

    const end = completeOf(await client.terminal(streamId));
    const events = client.of(streamId);
    const upstreamCall = stack.upstream!.chatRequests.at(-1)!;
    // The first token reached the browser before the model had written its last one.
    expect(first.at).toBeLessThan(upstreamCall.tokenTimestamps.at(-1)!);
    expect(events[0]).toMatchObject({
      type: 'chat-stream-start',
      sessionId: accepted.chatSessionId,
      route: 'general_qa',
    });
    const seen = events.filter((e) => e.type === 'chat-stream-token');
    expect(seen.map((e) => e.seq)).toEqual(tokens.map((_, i) => i + 1));
    for (const e of seen) expect(ChatStreamTokenPayload.safeParse(e).success).toBe(true);
    expect(seen.map((e) => e.token).join('')).toBe(tokens.join(''));
    expect(events.at(-1)!.type).toBe('chat-stream-complete');
    expect(end).toMatchObject({ status: 'complete', currentVersion: 0, sessionId: accepted.chatSessionId });
    expect(end.versions).toHaveLength(1);

    const saved = await repositoriesOf(stack).messages.list(user.id, accepted.chatSessionId);
    expect(saved.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(saved[0]!.content).toBe('What is osmosis?');
    expect(saved[1]).toMatchObject({
      id: end.messageId,
      content: end.content,
      status: 'complete',
      route: 'general_qa',
    });
    expect(saved[1]!.versions[0]!.content).toBe(end.content);
    expect(await usage(stack, user.id)).toEqual({ used: 1, reserved: 0 });
    expect(stack.api.ctx.streams.size).toBe(0);
  });

  it('answers every route through the gateway; a follow-up reuses the previous answer’s chunks', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    const { classId } = await seedDocument(stack, user.id);
    const ask = async (message: string, chatSessionId?: string) => {
      const { accepted, end, events } = await chat(stack, user, client, { message, classId, chatSessionId });
      return { accepted, end: completeOf(end), route: events.find((e) => e.type === 'chat-stream-start') };
    };
    const first = await ask('What is osmosis?');
    const sessionId = first.accepted.chatSessionId;
    const routes: Array<[string, Route]> = [
      ['Tell me more', 'follow_up'],
      ['Give me an exact quote about cholesterol', 'quote_finding'],
      ['Make me a study guide for this class', 'generate_study_guide'],
      ['Summarize the notes', 'summary'],
    ];
    expect(first.route).toMatchObject({ route: 'general_qa' });
    expect(first.end.chunkReferences.length).toBeGreaterThan(0);
    const results = [];
    let embeddingsAroundFollowUp: number[] = [];
    for (const [message, route] of routes) {
      const before = stack.upstream!.embeddingRequests.length;
      results.push(await ask(message, sessionId));
      if (route === 'follow_up')
        embeddingsAroundFollowUp = [before, stack.upstream!.embeddingRequests.length];
    }
    expect(results.map((r) => r.route && 'route' in r.route && r.route.route)).toEqual(
      routes.map(([, r]) => r),
    );

    const followUp = results[0]!;
    const ids = (refs: { chunkId: string }[]) => refs.map((r) => r.chunkId).sort();
    expect(ids(followUp.end.chunkReferences)).toEqual(ids(first.end.chunkReferences));
    // The follow-up ran no new search: no query embedding was asked for.
    expect(embeddingsAroundFollowUp[1]).toBe(embeddingsAroundFollowUp[0]);

    // rag saw the history with the earlier answer's chunk references.
    const followUpCall = stack.upstream!.chatRequests.find((c) =>
      JSON.stringify(c.body.messages).includes('Tell me more'),
    );
    expect(followUpCall).toBeDefined();
    const saved = await repositoriesOf(stack).messages.list(user.id, sessionId);
    expect(saved).toHaveLength(10);
    expect(saved.filter((m) => m.role === 'assistant').map((m) => m.route)).toEqual([
      'general_qa',
      'follow_up',
      'quote_finding',
      'generate_study_guide',
      'summary',
    ]);
  });

  it("two users streaming at once never see each other's tokens; the same user's second socket sees the stream too", async () => {
    const alice = await createUser(stack, { name: 'alice' });
    const bob = await createUser(stack, { name: 'bob' });
    const alice1 = await open(alice);
    const alice2 = await open(alice);
    const bob1 = await open(bob);
    stack.upstream!.setDefault({ tokenDelayMs: 15 });
    const [a, b] = await Promise.all([
      startChat(stack, alice, { message: 'What is osmosis?', streamId: randomUUID() }),
      startChat(stack, bob, { message: 'What are mitochondria?', streamId: randomUUID() }),
    ]);
    await Promise.all([alice1.terminal(a.streamId), alice2.terminal(a.streamId), bob1.terminal(b.streamId)]);
    expect(alice1.of(b.streamId)).toEqual([]);
    expect(alice2.of(b.streamId)).toEqual([]);
    expect(bob1.of(a.streamId)).toEqual([]);
    expect(alice1.events.every((e) => e.sessionId !== b.chatSessionId)).toBe(true);
    expect(bob1.events.every((e) => e.sessionId !== a.chatSessionId)).toBe(true);
    const strip = (s: TestSocket) => s.of(a.streamId).map(({ at: _at, ...e }) => e);
    expect(strip(alice2)).toEqual(strip(alice1));
    expect(strip(alice1).filter((e) => e.type === 'chat-stream-token').length).toBeGreaterThan(1);
  });

  it('a client that disconnects mid-stream still finds the saved answer afterwards', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    stack.upstream!.setDefault({ tokens: Array.from({ length: 20 }, (_, i) => ` w${i}`), tokenDelayMs: 25 });
    const accepted = await startChat(stack, user, { message: 'What is osmosis?', streamId: randomUUID() });
    await client.waitFor((e) => e.streamId === accepted.streamId && e.type === 'chat-stream-token');
    client.close();
    const saved = await until(async () => {
      const rows = await repositoriesOf(stack).messages.list(user.id, accepted.chatSessionId);
      return rows.length === 2 ? rows : null;
    });
    expect(saved[1]).toMatchObject({ role: 'assistant', status: 'complete' });
    expect(saved[1]!.content).toContain('w19');
    expect(await usage(stack, user.id)).toEqual({ used: 1, reserved: 0 });
    // The session reads back with the answer.
    const back = await fetch(`${stack.apiUrl}/api/v1/chat/sessions/${accepted.chatSessionId}`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    if (back.status !== 404) {
      const body = (await back.json()) as { messages: Array<{ content: string }> };
      expect(body.messages.at(-1)!.content).toBe(saved[1]!.content);
    }
  });

  it('continues a session: the history goes to rag, and the session keeps its scope', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    const first = await chat(stack, user, client, { message: 'What is osmosis?' });
    const second = await chat(stack, user, client, {
      message: 'What are mitochondria?',
      chatSessionId: first.accepted.chatSessionId,
    });
    expect(second.accepted.chatSessionId).toBe(first.accepted.chatSessionId);
    const call = stack.upstream!.chatRequests.at(-1)!;
    const prompt = JSON.stringify(call.body.messages);
    expect(prompt).toContain('What are mitochondria?');
    expect(prompt).toContain('What is osmosis?');
    const rows = await repositoriesOf(stack).messages.list(user.id, first.accepted.chatSessionId);
    expect(rows.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('creates sessions with the source from X-Source, a title from the question, and keeps ephemeral ones out of lists', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    const question = `Explain how ${'the sodium potassium pump moves ions against a gradient '.repeat(3)}`;
    const ext = await chat(stack, user, client, { message: question, ephemeral: true });
    const main = await chat(stack, user, client, { message: 'What is osmosis?' });
    const repos = repositoriesOf(stack);
    const extSession = (await repos.sessions.get(user.id, ext.accepted.chatSessionId))!;
    expect(extSession.source).toBe('main_app');
    expect(extSession.ephemeral).toBe(true);
    expect(extSession.title.length).toBeLessThanOrEqual(60);
    expect(extSession.title.startsWith('Explain how the sodium potassium pump')).toBe(true);
    const fromExtension = await startChat(
      stack,
      user,
      { message: 'What is osmosis?', streamId: randomUUID() },
      { 'X-Source': 'chrome_extension' },
    );
    await client.terminal(fromExtension.streamId);
    expect((await repos.sessions.get(user.id, fromExtension.chatSessionId))!.source).toBe('chrome_extension');
    const listed = (await repos.sessions.list(user.id)).map((s) => s.id);
    expect(listed).toContain(main.accepted.chatSessionId);
    expect(listed).not.toContain(ext.accepted.chatSessionId);
  });

  it("validates the body, accepts the seed's class_name alias and 'null' strings, and 404s another user's class, document or session", async () => {
    const user = await createUser(stack);
    const other = await createUser(stack);
    const client = await open(user);
    const { classId: othersClass, documentId: othersDoc } = await seedDocument(stack, other.id);
    const { classId, documentId } = await seedDocument(stack, user.id);

    const noAuth = await postChat(stack, null, { message: 'hi' });
    expect(noAuth.status).toBe(401);
    const empty = await postChat(stack, user, { message: '   ' });
    expect(empty.status).toBe(400);
    expect(errorBodyOf(empty.json).code).toBe('invalid_input');
    const badId = await postChat(stack, user, { message: 'hi', classId: 'not-a-uuid' });
    expect(badId.status).toBe(400);

    for (const body of [
      { message: 'hi', classId: othersClass },
      { message: 'hi', docId: othersDoc },
      { message: 'hi', chatSessionId: randomUUID() },
    ]) {
      const res = await postChat(stack, user, body);
      expect(res.status).toBe(404);
      expect(errorBodyOf(res.json).code).toBe('not_found');
    }
    expect(await usage(stack, user.id)).toEqual({ used: 0, reserved: 0 });
    // A refused new chat leaves no stream behind (rag was asked early, then told to stop).
    expect(stack.api.ctx.streams.size).toBe(0);
    expect(client.events).toEqual([]);

    const aliased = await chat(stack, user, client, {
      message: 'What is osmosis?',
      class_name: classId,
      docId: 'null',
      chatSessionId: 'null',
    });
    const session = (await repositoriesOf(stack).sessions.get(user.id, aliased.accepted.chatSessionId))!;
    expect(session).toMatchObject({ assignedClass: classId, assignedDocument: null });
    const scoped = await chat(stack, user, client, { message: 'What is osmosis?', docId: documentId });
    expect(
      (await repositoriesOf(stack).sessions.get(user.id, scoped.accepted.chatSessionId))!.assignedDocument,
    ).toBe(documentId);
  });

  it('an answer holding half of a character (a lone surrogate) is saved whole, the half replaced', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    // The model's last token is the first half of an emoji whose second half never came.
    stack.upstream!.setDefault({ tokens: ['Cells', ' divide', ' \uD83D'], tokenDelayMs: 5 });
    const { accepted, end } = await chat(stack, user, client, { message: 'What is mitosis?' });
    const complete = completeOf(end);
    expect(complete.content).toBe('Cells divide \uFFFD');
    const [, answer] = await repositoriesOf(stack).messages.list(user.id, accepted.chatSessionId);
    expect(answer).toMatchObject({ role: 'assistant', content: 'Cells divide \uFFFD' });
    expect(answer!.versions[0]!.content).toBe('Cells divide \uFFFD');
    expect(await usage(stack, user.id)).toEqual({ used: 1, reserved: 0 });
  });

  it('a streamId already running is not reused', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    stack.upstream!.setDefault({ tokenDelayMs: 30 });
    const streamId = randomUUID();
    const a = await startChat(stack, user, { message: 'What is osmosis?', streamId });
    const b = await startChat(stack, user, { message: 'What is osmosis?', streamId });
    expect(a.streamId).toBe(streamId);
    expect(b.streamId).not.toBe(streamId);
    await Promise.all([client.terminal(a.streamId), client.terminal(b.streamId)]);
  });

  it('with Accept: text/event-stream the response is the stream as SSE, and the socket room gets it too', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    stack.upstream!.setDefault({ tokens: ['Cells', ' divide', '.'], tokenDelayMs: 10 });
    const streamId = randomUUID();
    const { res, events } = await postChatSse(stack, user, { message: 'What is mitosis?', streamId });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('x-stream-id')).toBe(streamId);
    expect(events.map((e) => e.type)).toEqual([
      'chat-stream-start',
      'chat-stream-token',
      'chat-stream-token',
      'chat-stream-token',
      'chat-stream-complete',
    ]);
    const end = events.at(-1)!;
    expect(end.type === 'chat-stream-complete' && end.content).toBeTruthy();
    await client.terminal(streamId);
    expect(client.of(streamId).map(({ at: _at, ...e }) => e)).toEqual(events);
    const rows = await repositoriesOf(stack).messages.list(user.id, res.headers.get('x-chat-session-id')!);
    expect(rows.at(-1)!.content).toBe(end.type === 'chat-stream-complete' ? end.content : null);
  });

  it('SSE clients get quota and validation errors as JSON before any stream', async () => {
    const user = await createUser(stack);
    const { res } = await postChatSse(stack, user, { message: '' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/json/);
  });

  it('after 10 consecutive chats no per-stream state is left on the server', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    const listenerCounts = () =>
      [...stack.api.ctx.realtime.io.sockets.sockets.values()].map((s) =>
        s
          .eventNames()
          .map((n) => `${String(n)}:${s.listenerCount(n)}`)
          .join(','),
      );
    const before = listenerCounts();
    const signals: AbortSignal[] = [];
    const streams: WeakRef<object>[] = [];
    const off = stack.api.ctx.streams.onBegin((s) => {
      signals.push(s.controller.signal);
      streams.push(new WeakRef(s));
    });
    let sessionId: string | undefined;
    for (let i = 0; i < 10; i++) {
      const { accepted, end } = await chat(stack, user, client, {
        message: `Question ${i} about osmosis?`,
        chatSessionId: sessionId,
      });
      expect(end.type).toBe('chat-stream-complete');
      sessionId = accepted.chatSessionId;
    }
    off();
    expect(signals).toHaveLength(10);
    expect(stack.api.ctx.streams.stats()).toEqual({ streams: 0, sinks: 0 });
    expect(listenerCounts()).toEqual(before);
    // No abort listener of ours is left. (undici's Request follows the signal through a WeakRef and
    // drops its own listener, named `abort`, when the request is garbage collected.)
    for (const signal of signals) {
      expect(getEventListeners(signal, 'abort').filter((l) => l.name !== 'abort')).toHaveLength(0);
    }
    // Nothing holds on to the streams themselves: they are garbage collected.
    signals.length = 0;
    const gc = collectGarbage();
    const tick = () => new Promise((r) => setTimeout(r, 20));
    // WeakRef.deref keeps its target alive until the current macrotask ends: collect in a fresh one.
    for (let i = 0; i < 5; i++) {
      await tick();
      gc();
      await tick();
      if (streams.every((r) => r.deref() === undefined)) break;
    }
    expect(streams.filter((r) => r.deref() !== undefined)).toHaveLength(0);
    expect(client.socket.listeners('chat-stream-token')).toHaveLength(0);
    const metrics = await (
      await fetch(`${stack.apiUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/stream_started_total \d+/);
    expect(metrics).toMatch(/stream_first_token_seconds_count \d+/);
  });
});

/** A full garbage collection on demand (what `--expose-gc` gives), for leak checks. */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
