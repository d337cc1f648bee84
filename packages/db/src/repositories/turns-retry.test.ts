import { randomUUID } from 'node:crypto';
import type { Citation } from '@classchat/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDbWithAliceAndBob, type DbFixture } from '../db.test-helpers.js';
import type { UserRow } from '../schema.js';

let fx: DbFixture, alice: UserRow, bob: UserRow;
beforeAll(async () => {
  ({ fx, alice, bob } = await startDbWithAliceAndBob());
});
afterAll(() => fx?.stop());

const citation = (page: number): Citation => ({
  n: 1,
  documentId: randomUUID(),
  fileName: 'bio.pdf',
  page,
  chunkId: randomUUID(),
  snippet: `page ${page}`,
  charStart: null,
  charEnd: null,
  href: `/documents/x?page=${page}`,
});

async function answered(userId: string) {
  const { session, message: question } = await fx.repos.turns.startSession({
    userId,
    title: 'Q',
    content: 'What do mitochondria do?',
  });
  const reservationId = (await fx.repos.users.reserveChat(userId, 25))!.id;
  const answer = await fx.repos.turns.insertAnswerAndSettle({
    userId,
    sessionId: session.id,
    reservationId,
    content: 'They make ATP [1].',
    citations: [citation(2)],
    chunkReferences: [],
    route: 'general_qa',
  });
  return { session, question, answer: answer!.message };
}

describe('turns repository: a retry’s one write', () => {
  it('adds the new answer as the current version, bumps the session and commits the reserved chat', async () => {
    const { session, answer } = await answered(alice.id);
    const before = (await fx.repos.sessions.get(alice.id, session.id))!.updatedAt;
    const reservationId = (await fx.repos.users.reserveChat(alice.id, 25))!.id;
    const row = await fx.repos.turns.addVersionAndSettle(
      alice.id,
      session.id,
      answer.id,
      {
        reservationId,
        content: 'The powerhouse [1].',
        citations: [citation(5)],
        chunkReferences: [],
        status: 'stopped',
        route: 'follow_up',
      },
      new Date(before.getTime() + 1000),
    );
    expect(row?.message).toMatchObject({
      id: answer.id,
      content: 'The powerhouse [1].',
      currentVersion: 1,
      status: 'stopped',
      route: 'follow_up',
      position: answer.position,
    });
    expect(row!.message.citations[0]?.page).toBe(5);
    expect(row!.message.versions.map((v) => v.content)).toEqual([
      'They make ATP [1].',
      'The powerhouse [1].',
    ]);
    expect((await fx.repos.sessions.get(alice.id, session.id))!.updatedAt.getTime()).toBeGreaterThan(
      before.getTime(),
    );
    expect(await fx.repos.users.getUsage(alice.id)).toMatchObject({ used: 2, reserved: 0 });
    expect(row!.usage).toMatchObject({ plan: 'free', used: 2, reserved: 0, storageUsedBytes: 0 });
    expect((await fx.repos.messages.list(alice.id, session.id)).map((m) => m.role)).toEqual([
      'user',
      'assistant',
    ]);
  });

  it('keeps the route when none is given', async () => {
    const { session, answer } = await answered(alice.id);
    const row = await fx.repos.turns.addVersionAndSettle(alice.id, session.id, answer.id, {
      reservationId: randomUUID(),
      content: 'Again.',
      citations: [],
      chunkReferences: [],
    });
    expect(row?.message).toMatchObject({ route: 'general_qa', status: 'complete', currentVersion: 1 });
  });

  it('writes and charges nothing for another user’s message, a user message, or another session', async () => {
    const { session, question, answer } = await answered(alice.id);
    const other = await answered(alice.id);
    const reservationId = (await fx.repos.users.reserveChat(bob.id, 25))!.id;
    const input = { reservationId, content: 'hijack', citations: [], chunkReferences: [] };
    expect(await fx.repos.turns.addVersionAndSettle(bob.id, session.id, answer.id, input)).toBeNull();
    expect(await fx.repos.turns.addVersionAndSettle(alice.id, session.id, question.id, input)).toBeNull();
    expect(await fx.repos.turns.addVersionAndSettle(alice.id, other.session.id, answer.id, input)).toBeNull();
    expect(await fx.repos.users.getUsage(bob.id)).toMatchObject({ used: 0, reserved: 1 });
    const unchanged = await fx.repos.messages.getForUser(alice.id, session.id, answer.id);
    expect(unchanged).toMatchObject({ content: 'They make ATP [1].', currentVersion: 0 });
    expect(unchanged!.versions).toHaveLength(1);
  });
});
