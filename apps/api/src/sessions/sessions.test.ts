import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageDto, SessionDetail, SessionDto, SessionList, type Citation } from '@classchat/contracts';
import { createRepositories, type Repositories } from '@classchat/db';
import { startStack, type Stack } from '@classchat/testkit';

let stack: Stack;
let repos: Repositories;

interface User {
  id: string;
  token: string;
}

async function createUser(name: string): Promise<User> {
  const user = await repos.users.create({
    email: `${name}-${randomUUID()}@example.com`,
    name,
    passwordHash: 'not-used-by-these-tests',
  });
  return { id: user.id, token: await stack.api.ctx.tokens.sign(user.id) };
}

async function call(user: User | null, method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.apiUrl}/api/v1/chat/sessions${path}`, {
    method,
    headers: {
      ...(user ? { authorization: `Bearer ${user.token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

const citation = (n: number, page: number): Citation => ({
  n,
  documentId: randomUUID(),
  fileName: 'notes.pdf',
  page,
  chunkId: randomUUID(),
  snippet: `passage on page ${page}`,
  charStart: 0,
  charEnd: 10,
  href: `/documents/x?page=${page}`,
});

/** A session with a question and an answer that was regenerated once (two versions, the second current). */
async function seedSession(user: User, title: string, options: { ephemeral?: boolean } = {}) {
  const session = await repos.sessions.create({
    userId: user.id,
    title,
    ephemeral: options.ephemeral ?? false,
  });
  const question = await repos.messages.appendUser(user.id, session.id, title);
  const answer = await repos.messages.insertAssistant({
    userId: user.id,
    sessionId: session.id,
    content: 'First answer [1]',
    citations: [citation(1, 3)],
    chunkReferences: [],
    route: 'general_qa',
  });
  await repos.messages.addVersion(user.id, answer!.id, {
    content: 'Second answer [1]',
    citations: [citation(1, 7)],
    chunkReferences: [],
  });
  return { session, question: question!, answer: answer! };
}

let alice: User;
let bob: User;

beforeAll(async () => {
  stack = await startStack();
  repos = createRepositories(stack.api.ctx.database.db);
  alice = await createUser('alice');
  bob = await createUser('bob');
});
afterAll(async () => {
  await stack?.stop();
});

describe('chat sessions', () => {
  it('lists the owner’s sessions, most recent first, titled by the first question, ephemeral ones left out', async () => {
    const older = await seedSession(alice, 'What is entropy?');
    const ephemeral = await seedSession(alice, 'Quick one from the extension', { ephemeral: true });
    const newer = await seedSession(alice, 'Explain the Carnot cycle');
    await seedSession(bob, 'Bob’s own question');

    const { status, body } = await call(alice, 'GET', '');
    expect(status).toBe(200);
    const list = SessionList.parse(body);
    const ids = list.sessions.map((s) => s.id);
    expect(ids).toContain(older.session.id);
    expect(ids).not.toContain(ephemeral.session.id);
    expect(ids.indexOf(newer.session.id)).toBeLessThan(ids.indexOf(older.session.id));
    expect(list.sessions.find((s) => s.id === older.session.id)?.title).toBe('What is entropy?');
    expect(list.sessions.every((s) => !s.title.startsWith('Bob'))).toBe(true);

    // An ephemeral session is still the owner's to open.
    expect((await call(alice, 'GET', `/${ephemeral.session.id}`)).status).toBe(200);
  });

  it('shows one session with its messages, versions and the current one', async () => {
    const { session, question, answer } = await seedSession(alice, 'Define enthalpy');
    const { status, body } = await call(alice, 'GET', `/${session.id}`);
    expect(status).toBe(200);
    const detail = SessionDetail.parse(body);
    expect(detail.session.id).toBe(session.id);
    expect(detail.messages.map((m) => [m.id, m.role])).toEqual([
      [question.id, 'user'],
      [answer.id, 'assistant'],
    ]);
    const shown = detail.messages[1]!;
    expect(shown.versions.map((v) => v.content)).toEqual(['First answer [1]', 'Second answer [1]']);
    expect(shown).toMatchObject({ currentVersion: 1, content: 'Second answer [1]', status: 'complete' });
  });

  it('renames a session, refusing an empty title', async () => {
    const { session } = await seedSession(alice, 'Old title');
    const renamed = await call(alice, 'PATCH', `/${session.id}`, { title: '  Thermodynamics revision ' });
    expect(renamed.status).toBe(200);
    expect(SessionDto.parse(renamed.body).title).toBe('Thermodynamics revision');
    const list = SessionList.parse((await call(alice, 'GET', '')).body);
    expect(list.sessions.find((s) => s.id === session.id)?.title).toBe('Thermodynamics revision');

    const empty = await call(alice, 'PATCH', `/${session.id}`, { title: '   ' });
    expect(empty).toMatchObject({ status: 400, body: { code: 'invalid_input' } });
  });

  it('deletes a session with its messages', async () => {
    const { session, answer } = await seedSession(alice, 'To be deleted');
    expect((await call(alice, 'DELETE', `/${session.id}`)).status).toBe(204);
    expect((await call(alice, 'GET', `/${session.id}`)).status).toBe(404);
    expect((await call(alice, 'DELETE', `/${session.id}`)).status).toBe(404);
    const list = SessionList.parse((await call(alice, 'GET', '')).body);
    expect(list.sessions.map((s) => s.id)).not.toContain(session.id);
    expect(await repos.messages.getForUser(alice.id, session.id, answer.id)).toBeNull();
  });

  it('sets, changes and clears the reaction to an answer', async () => {
    const { session, question, answer } = await seedSession(alice, 'React to this');
    const path = `/${session.id}/messages/${answer.id}/reaction`;
    const liked = await call(alice, 'PUT', path, { reaction: 'like' });
    expect(liked.status).toBe(200);
    expect(MessageDto.parse(liked.body)).toMatchObject({ id: answer.id, reaction: 'like' });
    expect(MessageDto.parse((await call(alice, 'PUT', path, { reaction: 'dislike' })).body).reaction).toBe(
      'dislike',
    );
    expect(MessageDto.parse((await call(alice, 'PUT', path, { reaction: null })).body).reaction).toBeNull();
    const detail = SessionDetail.parse((await call(alice, 'GET', `/${session.id}`)).body);
    expect(detail.messages[1]?.reaction).toBeNull();

    expect((await call(alice, 'PUT', path, { reaction: 'love' })).status).toBe(400);
    const onQuestion = await call(alice, 'PUT', `/${session.id}/messages/${question.id}/reaction`, {
      reaction: 'like',
    });
    expect(onQuestion.status).toBe(400);
  });

  it('switches the version shown; content, citations and chunk references follow; 400 out of range', async () => {
    const { session, answer } = await seedSession(alice, 'Versions please');
    const path = `/${session.id}/messages/${answer.id}/version`;
    const first = await call(alice, 'PUT', path, { index: 0 });
    expect(first.status).toBe(200);
    const v1 = MessageDto.parse(first.body);
    expect(v1).toMatchObject({ currentVersion: 0, content: 'First answer [1]' });
    expect(v1.citations[0]?.page).toBe(3);
    expect(v1.versions).toHaveLength(2);

    const second = MessageDto.parse((await call(alice, 'PUT', path, { index: 1 })).body);
    expect(second).toMatchObject({ currentVersion: 1, content: 'Second answer [1]' });
    expect(second.citations[0]?.page).toBe(7);

    expect(await call(alice, 'PUT', path, { index: 2 })).toMatchObject({
      status: 400,
      body: { code: 'invalid_input' },
    });
    expect((await call(alice, 'PUT', path, { index: -1 })).status).toBe(400);
    const detail = SessionDetail.parse((await call(alice, 'GET', `/${session.id}`)).body);
    expect(detail.messages[1]).toMatchObject({ currentVersion: 1, content: 'Second answer [1]' });
  });

  it('answers 404 to another user on every endpoint, and changes nothing', async () => {
    const { session, answer } = await seedSession(alice, 'Private question');
    const mine = await seedSession(bob, 'Bob asks');
    const s = `/${session.id}`;
    const m = `${s}/messages/${answer.id}`;
    const attempts = [
      await call(bob, 'GET', s),
      await call(bob, 'PATCH', s, { title: 'hijacked' }),
      await call(bob, 'DELETE', s),
      await call(bob, 'PUT', `${m}/reaction`, { reaction: 'dislike' }),
      await call(bob, 'PUT', `${m}/version`, { index: 0 }),
      // Alice's message addressed through Bob's own session.
      await call(bob, 'PUT', `/${mine.session.id}/messages/${answer.id}/reaction`, { reaction: 'like' }),
      await call(bob, 'PUT', `/${mine.session.id}/messages/${answer.id}/version`, { index: 0 }),
      // Bob's message addressed through Alice's session.
      await call(bob, 'PUT', `${s}/messages/${mine.answer.id}/reaction`, { reaction: 'like' }),
    ];
    for (const attempt of attempts)
      expect(attempt).toMatchObject({ status: 404, body: { code: 'not_found' } });

    const detail = SessionDetail.parse((await call(alice, 'GET', s)).body);
    expect(detail.session.title).toBe('Private question');
    expect(detail.messages[1]).toMatchObject({ reaction: null, currentVersion: 1 });
  });

  it('needs a login and well-formed ids', async () => {
    expect((await call(null, 'GET', '')).status).toBe(401);
    expect((await call(null, 'GET', `/${randomUUID()}`)).status).toBe(401);
    expect(await call(alice, 'GET', '/not-a-uuid')).toMatchObject({
      status: 400,
      body: { code: 'invalid_input' },
    });
    expect((await call(alice, 'GET', `/${randomUUID()}`)).status).toBe(404);
  });
});
