import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  RevisionGuard,
  SessionDetail,
  USER_EVENT,
  UserEvent,
  type UserEventOf,
  type UserEventType,
} from '@classchat/contracts';
import { goodFixtures, startStack, type Stack } from '@classchat/testkit';
import { runAdmin } from '../admin/cli.js';
import { chat, connectSocket, seedDocument, type TestSocket } from '../chat/chat.test-helpers.js';
import { call, signup, uploadOk, type TestUser } from '../testing/api-client.js';
import { createRevClock } from './user-events.js';

let stack: Stack;
const closers: Array<() => void> = [];

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  for (const close of closers) close();
  await stack?.stop();
});

/**
 * A second tab of the user: its chat events (TestSocket) and every `user-event`, each checked against
 * the contract and kept in arrival order.
 */
interface OtherTab {
  chat: TestSocket;
  events: UserEvent[];
  next<T extends UserEventType>(
    type: T,
    match?: (e: UserEventOf<T>) => boolean,
    timeoutMs?: number,
  ): Promise<UserEventOf<T>>;
}

async function openTab(user: TestUser): Promise<OtherTab> {
  const chatSocket = await connectSocket(stack, user);
  closers.push(chatSocket.close);
  const events: UserEvent[] = [];
  const waiters = new Set<() => void>();
  chatSocket.socket.on(USER_EVENT, (payload) => {
    events.push(UserEvent.parse(payload));
    for (const wake of waiters) wake();
  });
  const next = <T extends UserEventType>(
    type: T,
    match: (e: UserEventOf<T>) => boolean = () => true,
    timeoutMs = 15_000,
  ) =>
    new Promise<UserEventOf<T>>((resolve, reject) => {
      const find = () =>
        events.find((e): e is UserEventOf<T> => e.type === type && match(e as UserEventOf<T>));
      const check = () => {
        const found = find();
        if (!found) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${type} event within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { chat: chatSocket, events, next };
}

/**
 * The user as signed up, with one tab that acts (a) and one that watches (b); with `material`, the
 * course notes are uploaded and ready (so answers stand on them and count as chats).
 */
async function twoTabs(options: { material?: boolean } = {}) {
  const user = await signup(stack.apiUrl, 'Twotabs');
  if (options.material) await seedDocument(stack, user.id);
  const a = await openTab(user);
  const b = await openTab(user);
  return { user, a, b };
}

describe('user events: every tab of a user hears every change', () => {
  it('a question, its live answer, the saved answer, the session and the meter reach the other tab', async () => {
    const { user, a, b } = await twoTabs({ material: true });
    stack.upstream!.setDefault({ tokens: ['Mitosis', ' makes', ' two', ' cells', '.'], tokenDelayMs: 20 });
    const { accepted } = await chat(stack, user, a.chat, { message: 'How do cells divide in mitosis?' });
    const sessionId = accepted.chatSessionId;

    const session = await b.next('session-updated', (e) => e.session.id === sessionId);
    expect(session.session.title).toMatch(/cells divide/i);
    const question = await b.next('message-updated', (e) => e.message.id === accepted.userMessageId);
    expect(question).toMatchObject({
      sessionId,
      message: { role: 'user', content: 'How do cells divide in mitosis?' },
    });

    const end = await b.chat.terminal(accepted.streamId);
    if (end.type !== 'chat-stream-complete') throw new Error(`the answer failed: ${JSON.stringify(end)}`);
    const textOf = (tab: OtherTab) =>
      tab.chat
        .of(accepted.streamId)
        .map((e) => (e.type === 'chat-stream-token' ? e.token : ''))
        .join('');
    expect(textOf(b)).toBe('Mitosis makes two cells.');
    expect(textOf(b)).toBe(textOf(a));

    const answer = await b.next('message-updated', (e) => e.message.role === 'assistant');
    expect(answer.message).toMatchObject({
      id: end.messageId,
      content: end.content,
      versions: [{ status: 'complete' }],
    });
    const meter = await b.next('usage-updated', (e) => e.usage.used === 1);
    expect(meter.usage).toMatchObject({ plan: 'free', limit: 25 });
    expect(meter.rev).toBeGreaterThan(question.rev);
  });

  it('after a saved answer, the usage comes from the statement that saved it: no usage read', async () => {
    const { user, a, b } = await twoTabs({ material: true });
    stack.upstream!.setDefault({ tokens: ['Cells', ' divide', '.'] });
    const getUsage = vi.spyOn(stack.api.ctx.repos.users, 'getUsage');
    try {
      const { accepted, end } = await chat(stack, user, a.chat, { message: 'How do cells divide?' });
      expect(end.type).toBe('chat-stream-complete');
      const question = await b.next('message-updated', (e) => e.message.id === accepted.userMessageId);
      const meter = await b.next('usage-updated', (e) => e.usage.used === 1);
      expect(meter.usage).toMatchObject({ plan: 'free', limit: 25 });
      expect(meter.usage.storage.usedBytes).toBeGreaterThan(0);
      expect(meter.rev).toBeGreaterThan(question.rev);
      expect(getUsage.mock.calls.filter(([userId]) => userId === user.id)).toEqual([]);
    } finally {
      getUsage.mockRestore();
    }
  });

  it('a retry version, a reaction, a version switch, a rename and a deletion reach the other tab', async () => {
    const { user, a, b } = await twoTabs({ material: true });
    stack.upstream!.setDefault({ tokens: ['First', '.'] });
    const { accepted, end } = await chat(stack, user, a.chat, {
      message: 'What does the mitochondrion produce?',
    });
    const sessionId = accepted.chatSessionId;
    const messageId = end.type === 'chat-stream-complete' ? end.messageId : '';
    stack.upstream!.setDefault({ tokens: ['Second', '.'] });
    await chat(stack, user, a.chat, { retry: true, chatSessionId: sessionId });
    await b.next('message-updated', (e) => e.message.id === messageId && e.message.versions.length === 2);

    const base = `/chat/sessions/${sessionId}`;
    expect(
      (await call(stack.apiUrl, user, 'PUT', `${base}/messages/${messageId}/reaction`, { reaction: 'like' }))
        .status,
    ).toBe(200);
    await b.next('message-updated', (e) => e.message.id === messageId && e.message.reaction === 'like');
    expect(
      (await call(stack.apiUrl, user, 'PUT', `${base}/messages/${messageId}/version`, { index: 0 })).status,
    ).toBe(200);
    const switched = await b.next(
      'message-updated',
      (e) => e.message.id === messageId && e.message.versions.length === 2 && e.message.currentVersion === 0,
    );
    expect(switched.message.content).toBe(switched.message.versions[0]!.content);
    expect(switched.message.versions[1]!.content).not.toBe(switched.message.versions[0]!.content);

    expect((await call(stack.apiUrl, user, 'PATCH', base, { title: 'Energy' })).status).toBe(200);
    await b.next('session-updated', (e) => e.session.title === 'Energy');
    expect((await call(stack.apiUrl, user, 'DELETE', base)).status).toBe(204);
    await b.next('session-deleted', (e) => e.sessionId === sessionId);
  });

  it('classes created, renamed and deleted, and a document uploaded, processed and deleted reach the other tab', async () => {
    const { user, b } = await twoTabs();
    const created = await call(stack.apiUrl, user, 'POST', '/classes', { name: 'Chemistry' });
    const classId = (created.body as { id: string }).id;
    await b.next('class-updated', (e) => e.class.id === classId && e.class.name === 'Chemistry');
    await call(stack.apiUrl, user, 'PATCH', `/classes/${classId}`, { name: 'Organic chemistry' });
    await b.next('class-updated', (e) => e.class.name === 'Organic chemistry');

    const fixture = await goodFixtures.plainText();
    const doc = await uploadOk(stack.apiUrl, user, fixture, { classId });
    await b.next('document-updated', (e) => e.document.id === doc.id);
    const ready = await b.next(
      'document-updated',
      (e) => e.document.id === doc.id && e.document.status === 'ready',
    );
    expect(ready.document.chunkCount).toBeGreaterThan(0);
    await b.next('class-updated', (e) => e.class.id === classId && e.class.documentCount === 1);
    await b.next('usage-updated', (e) => e.usage.storage.usedBytes > 0);

    expect((await call(stack.apiUrl, user, 'DELETE', `/documents/${doc.id}`)).status).toBe(204);
    await b.next('document-deleted', (e) => e.documentId === doc.id);
    expect((await call(stack.apiUrl, user, 'DELETE', `/classes/${classId}`)).status).toBe(204);
    await b.next('class-deleted', (e) => e.classId === classId);
  });

  it('the operator’s plan command reaches the open tabs at once', async () => {
    const { user, b } = await twoTabs();
    const out: string[] = [];
    const code = await runAdmin(['plan', user.email, 'premium'], {
      env: {
        NODE_ENV: 'test',
        DATABASE_URL: stack.databaseUrl,
        INTERNAL_TOKEN: stack.internalToken,
        JWT_SECRET: 'admin-test-secret',
        API_URL: stack.apiUrl,
        LOG_LEVEL: 'silent',
      },
      out: (line) => out.push(line),
      err: (line) => out.push(line),
    });
    expect(code).toBe(0);
    const premium = await b.next('usage-updated', (e) => e.usage.plan === 'premium');
    expect(premium.usage.limit).toBeNull();
    expect(out.join('\n')).toMatch(/now on the premium plan[\s\S]*open tabs show it now/);
  });

  it('tells no other user', async () => {
    const { user } = await twoTabs();
    const stranger = await openTab(await signup(stack.apiUrl, 'Stranger'));
    await call(stack.apiUrl, user, 'POST', '/classes', { name: `Private ${randomUUID()}` });
    const mine = await openTab(user);
    await call(stack.apiUrl, user, 'POST', '/classes', { name: `Second ${randomUUID()}` });
    await mine.next('class-updated');
    expect(stranger.events).toEqual([]);
  });
});

describe('user events: the ordering guard', () => {
  it('stamps a read of a chat on the events’ clock: a change made before it is at or below its rev, one after above', async () => {
    const { user, a, b } = await twoTabs({ material: true });
    stack.upstream!.setDefault({ tokens: ['First', '.'] });
    const { accepted, end } = await chat(stack, user, a.chat, {
      message: 'What does the mitochondrion produce?',
    });
    const messageId = end.type === 'chat-stream-complete' ? end.messageId : '';
    const saved = await b.next('message-updated', (e) => e.message.id === messageId);
    const base = `/chat/sessions/${accepted.chatSessionId}`;
    const read = SessionDetail.parse((await call(stack.apiUrl, user, 'GET', base)).body);
    expect(read.rev).toBeGreaterThan(saved.rev);
    await call(stack.apiUrl, user, 'PUT', `${base}/messages/${messageId}/reaction`, { reaction: 'like' });
    const liked = await b.next(
      'message-updated',
      (e) => e.message.id === messageId && e.message.reaction === 'like',
    );
    expect(liked.rev).toBeGreaterThan(read.rev!);
  });

  it('drops a late copy of an older state, so the newer one stays applied', async () => {
    const { user, b } = await twoTabs();
    const created = await call(stack.apiUrl, user, 'POST', '/classes', { name: 'Physics' });
    const classId = (created.body as { id: string }).id;
    const older = await b.next('class-updated', (e) => e.class.name === 'Physics');
    await call(stack.apiUrl, user, 'PATCH', `/classes/${classId}`, { name: 'Quantum physics' });
    const newer = await b.next('class-updated', (e) => e.class.name === 'Quantum physics');
    expect(newer.rev).toBeGreaterThan(older.rev);

    // The older state arrives again, late (another process, a retried delivery).
    stack.api.ctx.realtime.toUser(user.id).emit(USER_EVENT, older);
    await b.next(
      'class-updated',
      (e) => e.class.name === 'Physics' && b.events.indexOf(e) > b.events.indexOf(newer),
    );

    const guard = new RevisionGuard();
    const names = new Map<string, string>();
    for (const e of b.events) {
      if (e.type === 'class-updated' && guard.accept(e)) names.set(e.class.id, e.class.name);
    }
    expect(names.get(classId)).toBe('Quantum physics');
  });

  it('never issues the same or a smaller rev, even when the clock stands still or steps back', () => {
    const times = [1000, 1000, 999, 1001];
    const rev = createRevClock(() => times.shift() ?? 0);
    const revs = [rev(), rev(), rev(), rev()];
    expect(revs.every((r, i) => i === 0 || r > revs[i - 1]!)).toBe(true);
    expect(revs[3]).toBe(1001);
  });
});
