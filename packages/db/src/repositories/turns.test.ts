import { randomUUID } from 'node:crypto';
import type { Citation } from '@classchat/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { email, startDbWithAliceAndBob, type DbFixture } from '../db.test-helpers.js';
import { NotFoundError } from '../errors.js';
import type { UserRow } from '../schema.js';

let fx: DbFixture, alice: UserRow, bob: UserRow;
beforeAll(async () => {
  ({ fx, alice, bob } = await startDbWithAliceAndBob());
});
afterAll(() => fx?.stop());

const citation: Citation = {
  n: 1,
  documentId: randomUUID(),
  fileName: 'bio.pdf',
  page: 3,
  chunkId: randomUUID(),
  snippet: 'the powerhouse of the cell',
  charStart: 0,
  charEnd: 10,
  href: '/documents/x?page=3',
};
const reference = {
  chunkId: citation.chunkId,
  documentId: citation.documentId,
  fileName: 'bio.pdf',
  pageStart: 3,
  pageEnd: 3,
};

/** A new user who asked a first question and holds the chat reserved for its answer. */
async function askedWithReservedChat(name: string) {
  const user = await fx.repos.users.create({ email: email(name.toLowerCase()), name, passwordHash: 'h' });
  const reservation = await fx.repos.users.reserveChat(user.id, 25);
  expect(reservation).not.toBeNull();
  const { session } = await fx.repos.turns.startSession({ userId: user.id, title: 'Q', content: 'Q' });
  return { user, session, reservationId: reservation!.id };
}

describe('turns repository (single-statement chat writes)', () => {
  it('starts a session with its first message, checking the class belongs to the user', async () => {
    const cls = await fx.repos.classes.create(alice.id, `Bio ${randomUUID()}`);
    const { session, message } = await fx.repos.turns.startSession({
      userId: alice.id,
      title: 'What is ATP?',
      assignedClass: cls.id,
      source: 'chrome_extension',
      ephemeral: true,
      content: 'What is ATP?',
    });
    expect(session).toMatchObject({
      userId: alice.id,
      title: 'What is ATP?',
      assignedClass: cls.id,
      assignedDocument: null,
      source: 'chrome_extension',
      ephemeral: true,
    });
    expect(session.createdAt).toBeInstanceOf(Date);
    expect(message).toMatchObject({
      sessionId: session.id,
      position: 0,
      role: 'user',
      content: 'What is ATP?',
    });
    expect(message).toMatchObject({
      citations: [],
      versions: [],
      currentVersion: 0,
      reaction: null,
      status: 'complete',
    });
    expect(await fx.repos.sessions.get(alice.id, session.id)).toEqual(session);
    expect(await fx.repos.messages.list(alice.id, session.id)).toEqual([message]);

    await expect(
      fx.repos.turns.startSession({ userId: bob.id, title: 't', assignedClass: cls.id, content: 'x' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      fx.repos.turns.startSession({
        userId: bob.id,
        title: 't',
        assignedDocument: randomUUID(),
        content: 'x',
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await fx.repos.sessions.list(bob.id)).toEqual([]);
  });

  it('appends a user message and returns the history before it; null for another user', async () => {
    const { session } = await fx.repos.turns.startSession({ userId: alice.id, title: 'Q', content: 'Q1' });
    await fx.repos.turns.insertAnswerAndSettle({
      userId: alice.id,
      sessionId: session.id,
      content: 'A1 [1]',
      citations: [citation],
      chunkReferences: [reference],
      route: 'general_qa',
      reservationId: randomUUID(),
    });
    const turn = await fx.repos.turns.appendUser(alice.id, session.id, 'Tell me more');
    expect(turn!.message).toMatchObject({ position: 2, role: 'user', content: 'Tell me more' });
    expect(turn!.history).toEqual([
      { role: 'user', content: 'Q1', chunkReferences: [] },
      { role: 'assistant', content: 'A1 [1]', chunkReferences: [reference] },
    ]);
    expect(turn!.session.updatedAt.getTime()).toBeGreaterThanOrEqual(session.updatedAt.getTime());
    expect((await fx.repos.turns.appendUser(alice.id, session.id, 'again', 1))!.history).toEqual([
      { role: 'user', content: 'Tell me more', chunkReferences: [] },
    ]);
    expect(await fx.repos.turns.appendUser(bob.id, session.id, 'hijack')).toBeNull();
    expect(await fx.repos.messages.list(alice.id, session.id)).toHaveLength(4);
  });

  it('writes an answer that found nothing in the material and gives the reserved chat back', async () => {
    const { user, session, reservationId } = await askedWithReservedChat('Dave');
    const saved = await fx.repos.turns.insertAnswerAndSettle({
      userId: user.id,
      sessionId: session.id,
      reservationId,
      content: 'Your material does not seem to cover this. [1]',
      citations: [citation],
      chunkReferences: [reference],
      route: 'general_qa',
      coverage: 'not_covered',
      charge: false,
    });
    expect(saved!.message.versions[0]).toMatchObject({ coverage: 'not_covered', citations: [citation] });
    expect(await fx.repos.users.getUsage(user.id)).toMatchObject({ used: 0, reserved: 0 });

    const again = await fx.repos.users.reserveChat(user.id, 25);
    expect(again).not.toBeNull();
    const retried = await fx.repos.turns.addVersionAndSettle(user.id, session.id, saved!.message.id, {
      reservationId: again!.id,
      content: 'Still nothing.',
      citations: [],
      chunkReferences: [],
      coverage: 'no_material',
      charge: false,
    });
    expect(retried!.message.versions.map((v) => v.coverage)).toEqual(['not_covered', 'no_material']);
    expect(await fx.repos.users.getUsage(user.id)).toMatchObject({ used: 0, reserved: 0 });
  });

  it('gives the saved answer’s current version the row’s own text, citations and chunk references', async () => {
    const user = await fx.repos.users.create({ email: email('erin'), name: 'Erin', passwordHash: 'h' });
    const { session } = await fx.repos.turns.startSession({ userId: user.id, title: 'Q', content: 'Q' });
    const settle = async () => ({ reservationId: (await fx.repos.users.reserveChat(user.id, 25))!.id });
    const saved = await fx.repos.turns.insertAnswerAndSettle({
      ...(await settle()),
      userId: user.id,
      sessionId: session.id,
      content: 'Mitochondria make ATP 【1】.',
      citations: [citation],
      chunkReferences: [reference],
      route: 'general_qa',
    });
    const first = saved!.message;
    expect(first.versions[0]!.content).toBe(first.content);
    expect(first.versions[0]!.citations).toBe(first.citations);
    expect(first.versions[0]!.chunkReferences).toBe(first.chunkReferences);

    const retried = await fx.repos.turns.addVersionAndSettle(user.id, session.id, first.id, {
      ...(await settle()),
      content: 'Mitochondria make ATP, again 【1】.',
      citations: [citation],
      chunkReferences: [reference],
    });
    const { versions, content, citations, chunkReferences } = retried!.message;
    expect(versions[1]).toMatchObject({
      content: 'Mitochondria make ATP, again 【1】.',
      citations: [citation],
    });
    expect(versions[1]!.content).toBe(content);
    expect(versions[1]!.citations).toBe(citations);
    expect(versions[1]!.chunkReferences).toBe(chunkReferences);
    expect(versions[0]!.content).toBe('Mitochondria make ATP 【1】.');
  });

  it('writes the answer and counts the reserved chat in one statement', async () => {
    const { user, session, reservationId } = await askedWithReservedChat('Carol');
    const saved = await fx.repos.turns.insertAnswerAndSettle({
      userId: user.id,
      sessionId: session.id,
      reservationId,
      content: 'Answer [1]',
      citations: [citation],
      chunkReferences: [reference],
      route: 'quote_finding',
      status: 'stopped',
    });
    expect(saved?.message).toMatchObject({
      role: 'assistant',
      position: 1,
      content: 'Answer [1]',
      citations: [citation],
      chunkReferences: [reference],
      currentVersion: 0,
      route: 'quote_finding',
      status: 'stopped',
    });
    expect(saved!.message.versions).toHaveLength(1);
    expect(saved!.message.versions[0]).toMatchObject({
      content: 'Answer [1]',
      citations: [citation],
      chunkReferences: [reference],
    });
    expect(Date.parse(saved!.message.versions[0]!.createdAt)).not.toBeNaN();
    expect(await fx.repos.users.getUsage(user.id)).toMatchObject({ used: 1, reserved: 0 });
    expect((await fx.repos.messages.list(user.id, session.id)).at(-1)).toEqual(saved!.message);

    // A new month: the stored count belongs to the old one.
    await fx.database.pool.query(
      "UPDATE users SET chat_request_count = 25, chat_request_reset_at = now() - interval '40 days' WHERE id = $1",
      [user.id],
    );
    const nextMonth = await fx.repos.users.reserveChat(user.id, 25);
    await fx.repos.turns.insertAnswerAndSettle({
      userId: user.id,
      sessionId: session.id,
      reservationId: nextMonth!.id,
      content: 'x',
      citations: [],
      chunkReferences: [],
      route: null,
    });
    expect(await fx.repos.users.getUsage(user.id)).toMatchObject({ used: 1, reserved: 0 });
  });

  it('returns the usage the save leaves, as the usage read would read it: charged or given back, stored bytes', async () => {
    const user = await fx.repos.users.create({ email: email('erin'), name: 'Erin', passwordHash: 'h' });
    await fx.repos.documents.create({
      userId: user.id,
      classId: null,
      fileName: 'notes.pdf',
      mimeType: 'application/pdf',
      byteSize: 1234,
      sha256: randomUUID(),
      storageKey: `${user.id}/${randomUUID()}`,
    });
    const pending = await fx.repos.users.reserveChat(user.id, 25);
    const { session } = await fx.repos.turns.startSession({ userId: user.id, title: 'Q', content: 'Q' });
    const save = async (charge: boolean) =>
      fx.repos.turns.insertAnswerAndSettle({
        userId: user.id,
        sessionId: session.id,
        reservationId: (await fx.repos.users.reserveChat(user.id, 25))!.id,
        content: 'A',
        citations: [],
        chunkReferences: [],
        route: 'general_qa',
        charge,
      });
    const charged = await save(true);
    expect(charged!.usage).toEqual(await fx.repos.users.getUsage(user.id));
    expect(charged!.usage).toMatchObject({ plan: 'free', used: 1, reserved: 1, storageUsedBytes: 1234 });
    const free = await save(false);
    expect(free!.usage).toMatchObject({ used: 1, reserved: 1, storageUsedBytes: 1234 });
    expect(pending).not.toBeNull();
  });

  it('writes and charges nothing when the session is gone or not the user’s', async () => {
    const user = await fx.repos.users.create({ email: email('dave'), name: 'Dave', passwordHash: 'h' });
    const reservationId = (await fx.repos.users.reserveChat(user.id, 25))!.id;
    const { session } = await fx.repos.turns.startSession({ userId: alice.id, title: 'Q', content: 'Q' });
    const answer = {
      sessionId: session.id,
      reservationId,
      content: 'x',
      citations: [],
      chunkReferences: [],
      route: null,
    };
    expect(await fx.repos.turns.insertAnswerAndSettle({ ...answer, userId: user.id })).toBeNull();
    expect(
      await fx.repos.turns.insertAnswerAndSettle({ ...answer, userId: user.id, sessionId: randomUUID() }),
    ).toBeNull();
    expect(await fx.repos.users.getUsage(user.id)).toMatchObject({ used: 0, reserved: 1 });
    expect(await fx.repos.messages.list(alice.id, session.id)).toHaveLength(1);
  });

  it('concurrent appends to one session take consecutive positions', async () => {
    const { session } = await fx.repos.turns.startSession({ userId: alice.id, title: 'Q', content: 'Q' });
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2
          ? fx.repos.turns.appendUser(alice.id, session.id, `u${i}`)
          : fx.repos.turns.insertAnswerAndSettle({
              userId: alice.id,
              sessionId: session.id,
              content: `a${i}`,
              citations: [],
              chunkReferences: [],
              route: null,
              reservationId: randomUUID(),
            }),
      ),
    );
    const rows = await fx.repos.messages.list(alice.id, session.id);
    expect(rows.map((r) => r.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('thirty parallel follow-ups in one session are all saved, each question and answer at its own position', async () => {
    const { session } = await fx.repos.turns.startSession({ userId: alice.id, title: 'Q', content: 'Q' });
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        await fx.repos.turns.appendUser(alice.id, session.id, `question ${i}`);
        await fx.repos.turns.insertAnswerAndSettle({
          userId: alice.id,
          sessionId: session.id,
          content: `answer ${i}`,
          citations: [],
          chunkReferences: [],
          route: null,
          reservationId: randomUUID(),
        });
      }),
    );
    const rows = await fx.repos.messages.list(alice.id, session.id);
    expect(rows.map((r) => r.position)).toEqual(Array.from({ length: 61 }, (_, i) => i));
    expect(rows.filter((r) => r.role === 'assistant')).toHaveLength(30);
  });
});
