import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDbWithAliceAndBob, type DbFixture } from '../db.test-helpers.js';
import { AnswerRunningError } from '../errors.js';
import type { UserRow } from '../schema.js';

let fx: DbFixture, alice: UserRow, bob: UserRow;
beforeAll(async () => {
  ({ fx, alice, bob } = await startDbWithAliceAndBob());
});
afterAll(() => fx?.stop());

const LONG = 60_000;
const claimOf = (id = randomUUID(), leaseMs = LONG) => ({ id, leaseMs });
const answerTo = (sessionId: string, answerId: string) => ({
  userId: alice.id,
  sessionId,
  content: 'An answer.',
  citations: [],
  chunkReferences: [],
  route: null,
  reservationId: randomUUID(),
  answerId,
});
const newSession = async () =>
  (await fx.repos.turns.startSession({ userId: alice.id, title: 'Q', content: 'Q' })).session;

describe('answer claims: one running answer per session', () => {
  it('lets one answer hold a session until it is released; another user’s session reads as missing', async () => {
    const session = await newSession();
    const first = randomUUID();
    expect(await fx.repos.answers.claim(alice.id, session.id, claimOf(first))).toBe('claimed');
    expect(await fx.repos.answers.claim(alice.id, session.id, claimOf())).toBe('busy');
    expect(await fx.repos.answers.claim(bob.id, session.id, claimOf())).toBe('not_found');
    expect(await fx.repos.answers.claim(alice.id, randomUUID(), claimOf())).toBe('not_found');
    expect(await fx.repos.answers.running(session.id)).toBe(first);

    await fx.repos.answers.release(session.id, randomUUID()); // not the holder: changes nothing
    expect(await fx.repos.answers.claim(alice.id, session.id, claimOf())).toBe('busy');
    await fx.repos.answers.release(session.id, first);
    expect(await fx.repos.answers.running(session.id)).toBeNull();
    expect(await fx.repos.answers.claim(alice.id, session.id, claimOf())).toBe('claimed');
  });

  it('gives exactly one of 50 concurrent claims the session', async () => {
    const session = await newSession();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => fx.repos.answers.claim(alice.id, session.id, claimOf())),
    );
    expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r === 'busy')).toHaveLength(49);
  });

  it('lets a claim lapse once its holder stops renewing it (a crashed process)', async () => {
    const session = await newSession();
    const holder = randomUUID();
    expect(await fx.repos.answers.claim(alice.id, session.id, claimOf(holder))).toBe('claimed');
    expect(await fx.repos.answers.renew([holder], LONG)).toBe(1);
    expect(await fx.repos.answers.claim(alice.id, session.id, claimOf())).toBe('busy');
    // The holder's last renewal was for 1 ms; then it died.
    expect(await fx.repos.answers.renew([holder], 1)).toBe(1);
    const taker = randomUUID();
    await expect.poll(() => fx.repos.answers.claim(alice.id, session.id, claimOf(taker))).toBe('claimed');
    expect(await fx.repos.answers.running(session.id)).toBe(taker);
    expect(await fx.repos.answers.renew([holder], LONG)).toBe(0);
  });

  it('starts a session claimed by the answer to its first question', async () => {
    const answerId = randomUUID();
    const { session } = await fx.repos.turns.startSession({
      userId: alice.id,
      title: 'Q',
      content: 'Q',
      answer: claimOf(answerId),
    });
    expect(await fx.repos.answers.running(session.id)).toBe(answerId);
    expect(await fx.repos.answers.claim(alice.id, session.id, claimOf())).toBe('busy');
  });

  it('refuses a question while an answer runs, and takes the next once the answer is saved', async () => {
    const session = await newSession();
    const running = randomUUID();
    expect(await fx.repos.answers.claim(alice.id, session.id, claimOf(running))).toBe('claimed');
    await expect(
      fx.repos.turns.appendUser(alice.id, session.id, 'meanwhile', 20, claimOf()),
    ).rejects.toBeInstanceOf(AnswerRunningError);
    expect(await fx.repos.turns.appendUser(bob.id, session.id, 'hijack', 20, claimOf())).toBeNull();
    expect(await fx.repos.messages.list(alice.id, session.id)).toHaveLength(1);

    const saved = await fx.repos.turns.insertAnswerAndSettle(answerTo(session.id, running));
    expect(saved).not.toBeNull();
    expect(await fx.repos.answers.running(session.id)).toBeNull();
    const next = randomUUID();
    const turn = await fx.repos.turns.appendUser(alice.id, session.id, 'next', 20, claimOf(next));
    expect(turn!.message).toMatchObject({ position: 2, content: 'next' });
    expect(await fx.repos.answers.running(session.id)).toBe(next);

    // A retry's save clears its claim too; another answer's save leaves a claim alone.
    await fx.repos.turns.insertAnswerAndSettle(answerTo(session.id, randomUUID()));
    expect(await fx.repos.answers.running(session.id)).toBe(next);
    await fx.repos.turns.addVersionAndSettle(alice.id, session.id, saved!.message.id, {
      ...answerTo(session.id, next),
      content: 'Again.',
    });
    expect(await fx.repos.answers.running(session.id)).toBeNull();
  });

  it('appends exactly one of 50 concurrent questions that each claim the session', async () => {
    const session = await newSession();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        fx.repos.turns.appendUser(alice.id, session.id, `question ${i}`, 20, claimOf()),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(49);
    for (const r of refused) expect(r.reason).toBeInstanceOf(AnswerRunningError);
    expect(await fx.repos.messages.list(alice.id, session.id)).toHaveLength(2);
  });
});
