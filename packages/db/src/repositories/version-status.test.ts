import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { email, startDbFixture, type DbFixture } from '../db.test-helpers.js';
import { MIGRATIONS_FOLDER } from '../migrate.js';
import type { UserRow } from '../schema.js';

let fx: DbFixture;
let alice: UserRow;

beforeAll(async () => {
  fx = await startDbFixture();
  alice = await fx.repos.users.create({ email: email('alice'), name: 'Alice', passwordHash: 'h' });
});
afterAll(() => fx?.stop());

const answer = (content: string) => ({ content, citations: [], chunkReferences: [] });

/** A chat reservation to settle a save against, as every answer has. */
const reservation = async () => ({ reservationId: (await fx.repos.users.reserveChat(alice.id, 1000))!.id });

async function stoppedAnswer() {
  const { session } = await fx.repos.turns.startSession({ userId: alice.id, title: 'Q', content: 'Why?' });
  const stopped = await fx.repos.turns.insertAnswerAndSettle({
    userId: alice.id,
    sessionId: session.id,
    ...answer('Because of'),
    route: 'general_qa',
    status: 'stopped',
    ...(await reservation()),
  });
  return { session, message: stopped!.message };
}

describe('messages: each version keeps its own status', () => {
  it('shows "stopped" again on version 1 after Stop, two Retries and paging back', async () => {
    const { session, message } = await stoppedAnswer();
    for (const text of ['Because one', 'Because two']) {
      await fx.repos.turns.addVersionAndSettle(alice.id, session.id, message.id, {
        ...answer(text),
        ...(await reservation()),
      });
    }
    const latest = (await fx.repos.messages.getForUser(alice.id, session.id, message.id))!;
    expect(latest.status).toBe('complete');
    expect(latest.versions.map((v) => v.status)).toEqual(['stopped', 'complete', 'complete']);

    const first = await fx.repos.messages.setCurrentVersion(alice.id, message.id, 0);
    expect(first).toMatchObject({ currentVersion: 0, content: 'Because of', status: 'stopped' });
    const third = await fx.repos.messages.setCurrentVersion(alice.id, message.id, 2);
    expect(third).toMatchObject({ currentVersion: 2, content: 'Because two', status: 'complete' });
  });

  it('keeps a stopped retry stopped while the first version stays complete', async () => {
    const { session, message } = await stoppedAnswer();
    await fx.repos.turns.addVersionAndSettle(alice.id, session.id, message.id, {
      ...answer('Half'),
      status: 'stopped',
      ...(await reservation()),
    });
    await fx.repos.messages.addVersion(alice.id, message.id, { ...answer('Whole') });
    const row = (await fx.repos.messages.getForUser(alice.id, session.id, message.id))!;
    expect(row.versions.map((v) => v.status)).toEqual(['stopped', 'stopped', 'complete']);
    expect((await fx.repos.messages.setCurrentVersion(alice.id, message.id, 1))?.status).toBe('stopped');
  });

  it('migrates versions saved without a status: the shown one takes the message status', async () => {
    const { session, message } = await stoppedAnswer();
    const legacy = [
      { ...answer('old one'), createdAt: new Date().toISOString() },
      { ...answer('old two'), createdAt: new Date().toISOString() },
    ];
    await fx.database.db.execute(
      sql`UPDATE messages SET versions = ${JSON.stringify(legacy)}::jsonb, current_version = 1, status = 'stopped' WHERE id = ${message.id}::uuid`,
    );
    const migration = await readFile(join(MIGRATIONS_FOLDER, '0008_message_version_status.sql'), 'utf8');
    await fx.database.db.execute(sql.raw(migration));
    await fx.database.db.execute(sql.raw(migration));
    const row = (await fx.repos.messages.getForUser(alice.id, session.id, message.id))!;
    expect(row.versions.map((v) => [v.content, v.status])).toEqual([
      ['old one', 'complete'],
      ['old two', 'stopped'],
    ]);
  });
});
