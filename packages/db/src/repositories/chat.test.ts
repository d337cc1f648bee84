import { randomUUID } from 'node:crypto';
import type { ChunkReference, Citation } from '@classchat/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { email, startDbWithAliceAndBob, type DbFixture } from '../db.test-helpers.js';
import { NotFoundError } from '../errors.js';
import type { UserRow } from '../schema.js';

let fx: DbFixture, alice: UserRow, bob: UserRow;
beforeAll(async () => {
  ({ fx, alice, bob } = await startDbWithAliceAndBob());
});
afterAll(() => fx?.stop());

const citation = (n: number, page: number): Citation => {
  const documentId = randomUUID();
  const chunkId = randomUUID();
  return {
    n,
    documentId,
    fileName: 'bio.pdf',
    page,
    chunkId,
    snippet: 'the powerhouse of the cell',
    charStart: 10,
    charEnd: 36,
    href: `/documents/${documentId}?page=${page}&chunk=${chunkId}`,
  };
};
const reference = (c: Citation): ChunkReference => ({
  chunkId: c.chunkId,
  documentId: c.documentId,
  fileName: c.fileName,
  pageStart: c.page,
  pageEnd: c.page,
});

describe('sessions', () => {
  it('round-trip: create, get, list (non-ephemeral, most recent first), rename, touch, delete', async () => {
    const user = await fx.repos.users.create({ email: email(), name: 'S', passwordHash: 'h' });
    const cls = await fx.repos.classes.create(user.id, 'Bio');
    const first = await fx.repos.sessions.create({ userId: user.id, title: 'First', assignedClass: cls.id });
    const second = await fx.repos.sessions.create({
      userId: user.id,
      title: 'From the extension',
      source: 'chrome_extension',
    });
    await fx.repos.sessions.create({ userId: user.id, title: 'Scratch', ephemeral: true });
    expect(first).toMatchObject({
      title: 'First',
      assignedClass: cls.id,
      assignedDocument: null,
      source: 'main_app',
      ephemeral: false,
    });
    expect(await fx.repos.sessions.get(user.id, first.id)).toEqual(first);

    expect(await fx.repos.sessions.touch(user.id, second.id, new Date(Date.now() - 60_000))).toBe(true);
    expect((await fx.repos.sessions.list(user.id)).map((s) => s.title)).toEqual([
      'First',
      'From the extension',
    ]);

    expect((await fx.repos.sessions.rename(user.id, second.id, 'Renamed'))?.title).toBe('Renamed');
    // Renaming is not activity: the order stays.
    expect((await fx.repos.sessions.list(user.id, { limit: 1 })).map((s) => s.title)).toEqual(['First']);
    await fx.repos.messages.appendUser(user.id, second.id, 'new question');
    expect((await fx.repos.sessions.list(user.id, { limit: 1 })).map((s) => s.title)).toEqual(['Renamed']);
    expect(
      (await fx.repos.sessions.update(user.id, first.id, { assignedClass: null }))?.assignedClass,
    ).toBeNull();

    expect(await fx.repos.sessions.delete(user.id, second.id)).toBe(true);
    expect(await fx.repos.sessions.get(user.id, second.id)).toBeNull();
  });

  it("cannot be assigned another user's class or document", async () => {
    const cls = await fx.repos.classes.create(alice.id, `Alice ${randomUUID()}`);
    await expect(
      fx.repos.sessions.create({ userId: bob.id, title: 'x', assignedClass: cls.id }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('are invisible to other users', async () => {
    const session = await fx.repos.sessions.create({ userId: alice.id, title: 'Private' });
    expect(await fx.repos.sessions.get(bob.id, session.id)).toBeNull();
    expect((await fx.repos.sessions.list(bob.id)).map((s) => s.id)).not.toContain(session.id);
    expect(await fx.repos.sessions.rename(bob.id, session.id, 'x')).toBeNull();
    expect(await fx.repos.sessions.touch(bob.id, session.id)).toBe(false);
    expect(await fx.repos.sessions.delete(bob.id, session.id)).toBe(false);
    expect(await fx.repos.sessions.get(alice.id, session.id)).not.toBeNull();
  });
});

describe('messages', () => {
  it('round-trip: user and assistant messages in order with citations and chunk references', async () => {
    const session = await fx.repos.sessions.create({ userId: alice.id, title: 'Cells' });
    const question = await fx.repos.messages.appendUser(alice.id, session.id, 'What is a mitochondrion?');
    const c1 = citation(1, 3);
    const answer = await fx.repos.messages.insertAssistant({
      userId: alice.id,
      sessionId: session.id,
      content: 'The powerhouse of the cell [1].',
      citations: [c1],
      chunkReferences: [reference(c1)],
      route: 'general_qa',
    });
    expect(question).toMatchObject({
      position: 0,
      role: 'user',
      citations: [],
      versions: [],
      status: 'complete',
    });
    expect(answer).toMatchObject({
      position: 1,
      role: 'assistant',
      citations: [c1],
      chunkReferences: [reference(c1)],
      currentVersion: 0,
      reaction: null,
      route: 'general_qa',
      status: 'complete',
    });
    expect(answer?.versions).toEqual([
      {
        content: 'The powerhouse of the cell [1].',
        citations: [c1],
        chunkReferences: [reference(c1)],
        createdAt: expect.any(String) as string,
        status: 'complete',
      },
    ]);
    const list = await fx.repos.messages.list(alice.id, session.id);
    expect(list.map((m) => [m.position, m.role])).toEqual([
      [0, 'user'],
      [1, 'assistant'],
    ]);
    expect(list[1]).toEqual(answer);
    expect((await fx.repos.messages.lastAssistant(alice.id, session.id))?.id).toBe(answer!.id);
    expect((await fx.repos.messages.last(alice.id, session.id, 'user'))?.id).toBe(question!.id);
    expect(await fx.repos.messages.getForUser(alice.id, session.id, answer!.id)).toEqual(answer);
  });

  it('saves a stopped answer with its status', async () => {
    const session = await fx.repos.sessions.create({ userId: alice.id, title: 'Stop' });
    await fx.repos.messages.appendUser(alice.id, session.id, 'Tell me everything');
    const partial = await fx.repos.messages.insertAssistant({
      userId: alice.id,
      sessionId: session.id,
      content: 'Partial',
      citations: [],
      chunkReferences: [],
      route: 'summary',
      status: 'stopped',
    });
    expect(partial?.status).toBe('stopped');
  });

  it('gives concurrent appends to one session distinct consecutive positions', async () => {
    const session = await fx.repos.sessions.create({ userId: alice.id, title: 'Busy' });
    const rows = await Promise.all(
      Array.from({ length: 12 }, (_, i) => fx.repos.messages.appendUser(alice.id, session.id, `q${i}`)),
    );
    expect(rows.map((r) => r!.position).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, i) => i),
    );
  });

  it('keeps regenerated answers as versions and pages between them', async () => {
    const session = await fx.repos.sessions.create({ userId: alice.id, title: 'Retry' });
    await fx.repos.messages.appendUser(alice.id, session.id, 'Explain osmosis');
    const c1 = citation(1, 2);
    const c2 = citation(1, 7);
    const first = await fx.repos.messages.insertAssistant({
      userId: alice.id,
      sessionId: session.id,
      content: 'v1 [1]',
      citations: [c1],
      chunkReferences: [reference(c1)],
      route: 'general_qa',
    });
    const second = await fx.repos.messages.addVersion(alice.id, first!.id, {
      content: 'v2 [1]',
      citations: [c2],
      chunkReferences: [reference(c2)],
    });
    expect(second).toMatchObject({
      id: first!.id,
      position: first!.position,
      content: 'v2 [1]',
      citations: [c2],
      chunkReferences: [reference(c2)],
      currentVersion: 1,
    });
    expect(second?.versions.map((v) => v.content)).toEqual(['v1 [1]', 'v2 [1]']);

    const back = await fx.repos.messages.setCurrentVersion(alice.id, first!.id, 0);
    expect(back).toMatchObject({
      content: 'v1 [1]',
      citations: [c1],
      chunkReferences: [reference(c1)],
      currentVersion: 0,
    });
    expect(await fx.repos.messages.setCurrentVersion(alice.id, first!.id, 2)).toBeNull();
    expect((await fx.repos.messages.list(alice.id, session.id)).length).toBe(2);
  });

  it('sets and clears a reaction', async () => {
    const session = await fx.repos.sessions.create({ userId: alice.id, title: 'React' });
    const m = await fx.repos.messages.insertAssistant({
      userId: alice.id,
      sessionId: session.id,
      content: 'hi',
      citations: [],
      chunkReferences: [],
      route: null,
    });
    expect((await fx.repos.messages.setReaction(alice.id, m!.id, 'like'))?.reaction).toBe('like');
    expect((await fx.repos.messages.setReaction(alice.id, m!.id, null))?.reaction).toBeNull();
  });

  it("are never read or changed through another user's id", async () => {
    const session = await fx.repos.sessions.create({ userId: alice.id, title: 'Mine' });
    const m = await fx.repos.messages.insertAssistant({
      userId: alice.id,
      sessionId: session.id,
      content: 'secret',
      citations: [],
      chunkReferences: [],
      route: 'general_qa',
    });
    expect(await fx.repos.messages.list(bob.id, session.id)).toEqual([]);
    expect(await fx.repos.messages.appendUser(bob.id, session.id, 'hi')).toBeNull();
    expect(
      await fx.repos.messages.insertAssistant({
        userId: bob.id,
        sessionId: session.id,
        content: 'x',
        citations: [],
        chunkReferences: [],
        route: null,
      }),
    ).toBeNull();
    expect(await fx.repos.messages.getForUser(bob.id, session.id, m!.id)).toBeNull();
    expect(await fx.repos.messages.lastAssistant(bob.id, session.id)).toBeNull();
    expect(await fx.repos.messages.setReaction(bob.id, m!.id, 'dislike')).toBeNull();
    expect(
      await fx.repos.messages.addVersion(bob.id, m!.id, { content: 'x', citations: [], chunkReferences: [] }),
    ).toBeNull();
    expect(await fx.repos.messages.setCurrentVersion(bob.id, m!.id, 0)).toBeNull();
    expect((await fx.repos.messages.list(alice.id, session.id)).map((x) => x.content)).toEqual(['secret']);
  });

  it('go away with their session', async () => {
    const session = await fx.repos.sessions.create({ userId: alice.id, title: 'Gone' });
    const m = await fx.repos.messages.appendUser(alice.id, session.id, 'bye');
    await fx.repos.sessions.delete(alice.id, session.id);
    expect(await fx.repos.messages.getForUser(alice.id, session.id, m!.id)).toBeNull();
  });
});
