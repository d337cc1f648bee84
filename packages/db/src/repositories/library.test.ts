import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { email, startDbWithAliceAndBob, type DbFixture } from '../db.test-helpers.js';
import { ConflictError, NotFoundError, StorageQuotaError } from '../errors.js';
import type { UserRow } from '../schema.js';

let fx: DbFixture, alice: UserRow, bob: UserRow;
beforeAll(async () => {
  ({ fx, alice, bob } = await startDbWithAliceAndBob());
});
afterAll(() => fx?.stop());

const upload = (userId: string, classId: string | null, name = 'notes.pdf', sha: string = randomUUID()) =>
  fx.repos.documents.create({
    userId,
    classId,
    fileName: name,
    mimeType: 'application/pdf',
    byteSize: 1234,
    sha256: sha,
    storageKey: `${userId}/${randomUUID()}`,
  });

describe('classes', () => {
  it('round-trip: create, list with document counts, get, rename', async () => {
    const user = await fx.repos.users.create({ email: email(), name: 'C', passwordHash: 'h' });
    const chem = await fx.repos.classes.create(user.id, '  Chemistry ');
    const bio = await fx.repos.classes.create(user.id, 'biology');
    expect(chem).toMatchObject({ name: 'Chemistry', userId: user.id, documentCount: 0 });
    await upload(user.id, bio.id);
    await upload(user.id, bio.id);
    await upload(user.id, null);

    const list = await fx.repos.classes.list(user.id);
    expect(list.map((c) => [c.name, c.documentCount])).toEqual([
      ['biology', 2],
      ['Chemistry', 0],
    ]);
    expect((await fx.repos.classes.get(user.id, bio.id))?.documentCount).toBe(2);
    const renamed = await fx.repos.classes.rename(user.id, bio.id, 'Biology 101');
    expect(renamed).toMatchObject({ id: bio.id, name: 'Biology 101', documentCount: 2 });
  });

  it('counts ready and processing documents, and failed ones apart', async () => {
    const user = await fx.repos.users.create({ email: email(), name: 'F', passwordHash: 'h' });
    const cls = await fx.repos.classes.create(user.id, 'Statistics');
    const ready = await upload(user.id, cls.id);
    await fx.repos.documents.markReady(ready.id, 3, 3);
    await upload(user.id, cls.id);
    const broken = await upload(user.id, cls.id);
    await fx.repos.documents.markFailed(broken.id, 'No extractable text');
    expect(await fx.repos.classes.get(user.id, cls.id)).toMatchObject({ documentCount: 2, failedCount: 1 });
    expect((await fx.repos.classes.list(user.id))[0]).toMatchObject({ documentCount: 2, failedCount: 1 });
  });

  it('refuses a duplicate name per user (case-insensitive) with a ConflictError, but not across users', async () => {
    await fx.repos.classes.create(alice.id, 'Physics');
    await expect(fx.repos.classes.create(alice.id, 'PHYSICS')).rejects.toBeInstanceOf(ConflictError);
    await expect(fx.repos.classes.create(bob.id, 'physics')).resolves.toMatchObject({ name: 'physics' });
    const other = await fx.repos.classes.create(alice.id, 'Maths');
    await expect(fx.repos.classes.rename(alice.id, other.id, 'physics')).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('delete removes its documents and returns their storage keys', async () => {
    const cls = await fx.repos.classes.create(alice.id, 'History');
    const d1 = await upload(alice.id, cls.id);
    const d2 = await upload(alice.id, cls.id);
    const keep = await upload(alice.id, null);
    const session = await fx.repos.sessions.create({ userId: alice.id, title: 's', assignedClass: cls.id });

    const result = await fx.repos.classes.delete(alice.id, cls.id);
    expect(result?.storageKeys.sort()).toEqual([d1.storageKey, d2.storageKey].sort());
    expect(await fx.repos.documents.get(alice.id, d1.id)).toBeNull();
    expect(await fx.repos.documents.get(alice.id, keep.id)).not.toBeNull();
    expect((await fx.repos.sessions.get(alice.id, session.id))?.assignedClass).toBeNull();
    expect(await fx.repos.classes.delete(alice.id, cls.id)).toBeNull();
  });

  it('are invisible to other users', async () => {
    const cls = await fx.repos.classes.create(alice.id, 'Secret');
    expect(await fx.repos.classes.get(bob.id, cls.id)).toBeNull();
    expect((await fx.repos.classes.list(bob.id)).map((c) => c.id)).not.toContain(cls.id);
    expect(await fx.repos.classes.rename(bob.id, cls.id, 'mine')).toBeNull();
    expect(await fx.repos.classes.delete(bob.id, cls.id)).toBeNull();
    expect(await fx.repos.classes.get(alice.id, cls.id)).toMatchObject({ name: 'Secret' });
  });
});

describe('documents', () => {
  it('round-trip: create, get, list by class / no class / all, findBySha', async () => {
    const user = await fx.repos.users.create({ email: email(), name: 'D', passwordHash: 'h' });
    const cls = await fx.repos.classes.create(user.id, 'Art');
    const inClass = await upload(user.id, cls.id, 'a.pdf', 'sha-a');
    const loose = await upload(user.id, null, 'b.pdf', 'sha-b');
    expect(inClass).toMatchObject({
      userId: user.id,
      classId: cls.id,
      fileName: 'a.pdf',
      mimeType: 'application/pdf',
      byteSize: 1234,
      status: 'uploaded',
      stage: 'queued',
      progress: 0,
      pageCount: null,
      chunkCount: null,
      error: null,
      readyAt: null,
    });
    expect(await fx.repos.documents.get(user.id, inClass.id)).toEqual(inClass);
    // Newest first, but two uploads in the same clock tick tie on createdAt: compare membership.
    expect((await fx.repos.documents.list(user.id)).map((d) => d.id).sort()).toEqual(
      [loose.id, inClass.id].sort(),
    );
    expect((await fx.repos.documents.list(user.id, cls.id)).map((d) => d.id)).toEqual([inClass.id]);
    expect((await fx.repos.documents.list(user.id, null)).map((d) => d.id)).toEqual([loose.id]);
    expect((await fx.repos.documents.findBySha(user.id, cls.id, 'sha-a'))?.id).toBe(inClass.id);
    expect(await fx.repos.documents.findBySha(user.id, null, 'sha-a')).toBeNull();
    expect((await fx.repos.documents.findBySha(user.id, null, 'sha-b'))?.id).toBe(loose.id);
  });

  it('accepts a caller-chosen id', async () => {
    const id = randomUUID();
    const doc = await fx.repos.documents.create({
      id,
      userId: alice.id,
      classId: null,
      fileName: 'x.txt',
      mimeType: 'text/plain',
      byteSize: 3,
      sha256: 's',
      storageKey: `k/${id}`,
    });
    expect(doc.id).toBe(id);
  });

  it("refuses to upload into another user's class", async () => {
    const cls = await fx.repos.classes.create(alice.id, 'Alice only');
    await expect(upload(bob.id, cls.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('tracks progress that never goes backwards, then ready or failed', async () => {
    const doc = await upload(alice.id, null);
    expect(await fx.repos.documents.updateProgress(doc.id, 'processing', 'parsing', 0.3)).toMatchObject({
      status: 'processing',
      stage: 'parsing',
    });
    const back = await fx.repos.documents.updateProgress(doc.id, 'processing', 'chunking', 0.1);
    expect(back?.progress).toBeCloseTo(0.3);
    expect(back?.stage).toBe('chunking');
    expect(await fx.repos.documents.listUnfinished()).toContainEqual(expect.objectContaining({ id: doc.id }));

    const ready = await fx.repos.documents.markReady(doc.id, 12, 40);
    expect(ready).toMatchObject({
      status: 'ready',
      stage: 'done',
      progress: 1,
      pageCount: 12,
      chunkCount: 40,
    });
    expect(ready?.readyAt).toBeInstanceOf(Date);
    // A late progress event does not undo "ready".
    expect(await fx.repos.documents.updateProgress(doc.id, 'processing', 'embedding', 0.5)).toBeNull();
    expect((await fx.repos.documents.get(alice.id, doc.id))?.status).toBe('ready');
    expect(await fx.repos.documents.listUnfinished()).not.toContainEqual(
      expect.objectContaining({ id: doc.id }),
    );

    const bad = await upload(alice.id, null);
    expect(await fx.repos.documents.markFailed(bad.id, 'The PDF is encrypted')).toMatchObject({
      status: 'failed',
      error: 'The PDF is encrypted',
    });
    // Finished documents are not taken for ingestion again.
    expect(await fx.repos.documents.claimIngest(bad.id, 60_000)).toBeNull();
    expect(await fx.repos.documents.claimIngest(doc.id, 60_000)).toBeNull();
  });

  it('one api process at a time holds an unfinished document, until its lease runs out or is released', async () => {
    const doc = await upload(alice.id, null);
    const claimed = await fx.repos.documents.claimIngest(doc.id, 60_000);
    expect(claimed).toMatchObject({ status: 'processing', stage: 'queued', progress: 0 });
    expect(claimed!.ingestLeaseUntil!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    // Held: another process can neither claim it nor see it as abandoned.
    expect(await fx.repos.documents.claimIngest(doc.id, 60_000)).toBeNull();
    const unfinishedIds = async () => (await fx.repos.documents.listUnfinished()).map((d) => d.id);
    expect(await unfinishedIds()).not.toContain(doc.id);
    expect(await fx.repos.documents.renewIngestLease(doc.id, 60_000)).toBe(true);

    await fx.repos.documents.releaseIngestLease(doc.id);
    expect(await unfinishedIds()).toContain(doc.id);
    expect(await fx.repos.documents.claimIngest(doc.id, 1)).not.toBeNull();
    // A holder that stops renewing loses it once the lease has passed.
    await new Promise((r) => setTimeout(r, 20));
    expect(await unfinishedIds()).toContain(doc.id);
    expect(await fx.repos.documents.claimIngest(doc.id, 60_000)).not.toBeNull();

    await fx.repos.documents.markReady(doc.id, 1, 1);
    expect(await fx.repos.documents.renewIngestLease(doc.id, 60_000)).toBe(false);
  });

  it('stores the outline with the ready document; re-queues finished documents only, for the operator', async () => {
    const user = await fx.repos.users.create({ email: email('operator'), name: 'O', passwordHash: 'h' });
    const outline = [
      { title: '1 Intro', level: 1, pageStart: 1, pageEnd: 3 },
      { title: '1.1 Scope', level: 2, pageStart: 2, pageEnd: 3 },
    ];
    const ready = await upload(user.id, null);
    await fx.repos.documents.claimIngest(ready.id, 60_000);
    expect(await fx.repos.documents.markReady(ready.id, 3, 5, { outline })).toMatchObject({ outline });
    const failed = await upload(user.id, null);
    await fx.repos.documents.markFailed(failed.id, 'damaged');
    const running = await upload(user.id, null);
    await fx.repos.documents.claimIngest(running.id, 60_000);

    expect((await fx.repos.documents.listForReingest({ userId: user.id })).map((d) => d.id)).toEqual([
      ready.id,
    ]);
    const byIds = await fx.repos.documents.listForReingest({ ids: [ready.id, failed.id, running.id] });
    expect(byIds.map((d) => d.id).sort()).toEqual([ready.id, failed.id].sort());
    expect(await fx.repos.documents.listForReingest({ ids: [] })).toEqual([]);

    expect(await fx.repos.documents.requeueForIngest(running.id)).toBeNull(); // being ingested
    const requeued = await fx.repos.documents.requeueForIngest(ready.id);
    expect(requeued).toMatchObject({ status: 'uploaded', stage: 'queued', progress: 0, outline });
    expect(await fx.repos.documents.requeueForIngest(failed.id)).toMatchObject({
      status: 'uploaded',
      error: null,
    });
    // Back in the queue: an ingestion can take it, and a ready without an outline clears the old one.
    expect(await fx.repos.documents.claimIngest(ready.id, 60_000)).not.toBeNull();
    expect((await fx.repos.documents.markReady(ready.id, 3, 5))?.outline).toBeNull();
  });

  it('createUnlessDuplicate makes one document of the same content sent ten times at once', async () => {
    const sha = randomUUID();
    // Ten open connections, so the ten calls really overlap.
    await Promise.all(Array.from({ length: 10 }, () => fx.database.pool.query('SELECT 1')));
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        fx.repos.documents.createUnlessDuplicate({
          userId: alice.id,
          classId: null,
          fileName: 'same.pdf',
          mimeType: 'application/pdf',
          byteSize: 10,
          sha256: sha,
          storageKey: randomUUID(),
        }),
      ),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.row.id)).size).toBe(1);
  });

  it('storage: counts the bytes of every document but the failed ones, and refuses what would go past the limit', async () => {
    const user = await fx.repos.users.create({ email: email('storage'), name: 'S', passwordHash: 'h' });
    const put = (byteSize: number, storageLimitBytes?: number) =>
      fx.repos.documents.createUnlessDuplicate(
        {
          userId: user.id,
          classId: null,
          fileName: 'notes.pdf',
          mimeType: 'application/pdf',
          byteSize,
          sha256: randomUUID(),
          storageKey: randomUUID(),
        },
        storageLimitBytes === undefined ? {} : { storageLimitBytes },
      );
    expect(await fx.repos.documents.storageUsed(user.id)).toBe(0);
    const kept = await put(600);
    const failed = await put(300);
    await fx.repos.documents.markFailed(failed.row.id, 'No extractable text');
    expect(await fx.repos.documents.storageUsed(user.id)).toBe(600);
    expect(await fx.repos.documents.storageUsed(bob.id)).toBe(0);

    await expect(put(401, 1000)).rejects.toEqual(new StorageQuotaError(600, 1000));
    expect((await put(400, 1000)).duplicate).toBe(false);
    expect(await fx.repos.documents.storageUsed(user.id)).toBe(1000);
    expect(kept.row.byteSize).toBe(600);
  });

  it('storage: parallel uploads cannot overshoot the limit together', async () => {
    const user = await fx.repos.users.create({ email: email('parallel'), name: 'P', passwordHash: 'h' });
    await Promise.all(Array.from({ length: 10 }, () => fx.database.pool.query('SELECT 1')));
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        fx.repos.documents.createUnlessDuplicate(
          {
            userId: user.id,
            classId: null,
            fileName: 'part.pdf',
            mimeType: 'application/pdf',
            byteSize: 300,
            sha256: randomUUID(),
            storageKey: randomUUID(),
          },
          { storageLimitBytes: 1000 },
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StorageQuotaError);
    }
    expect(await fx.repos.documents.storageUsed(user.id)).toBe(900);
  });

  it("getForIngest finds any user's document (internal), get does not", async () => {
    const doc = await upload(alice.id, null);
    expect((await fx.repos.documents.getForIngest(doc.id))?.userId).toBe(alice.id);
    expect(await fx.repos.documents.get(bob.id, doc.id)).toBeNull();
  });

  it('delete returns the storage key and is scoped to the owner', async () => {
    const doc = await upload(alice.id, null);
    expect(await fx.repos.documents.delete(bob.id, doc.id)).toBeNull();
    expect(await fx.repos.documents.delete(alice.id, doc.id)).toBe(doc.storageKey);
    expect(await fx.repos.documents.delete(alice.id, doc.id)).toBeNull();
  });

  it('listInScope names the documents a retrieval scope searches, with their status', async () => {
    const user = await fx.repos.users.create({ email: email(), name: 'S', passwordHash: 'h' });
    const cls = await fx.repos.classes.create(user.id, 'Scope');
    const first = await upload(user.id, cls.id, 'first.pdf');
    const second = await upload(user.id, cls.id, 'second.pdf');
    const loose = await upload(user.id, null, 'loose.pdf');
    await fx.repos.documents.markReady(first.id, 1, 1);
    // Uploads within the same clock tick tie on createdAt: compare membership, not order.
    const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(await fx.repos.documents.listInScope({ userId: user.id, classId: cls.id }))).toEqual(
      byId([
        { id: first.id, fileName: 'first.pdf', status: 'ready' as const, error: null },
        { id: second.id, fileName: 'second.pdf', status: 'uploaded' as const, error: null },
      ]),
    );
    expect((await fx.repos.documents.listInScope({ userId: user.id })).map((d) => d.id).sort()).toEqual(
      [first.id, second.id, loose.id].sort(),
    );
    expect(
      (await fx.repos.documents.listInScope({ userId: user.id, classId: null, documentId: loose.id })).map(
        (d) => d.fileName,
      ),
    ).toEqual(['loose.pdf']);
    expect(await fx.repos.documents.listInScope({ userId: bob.id, documentId: loose.id })).toEqual([]);
  });

  it('are never listed, found or read for another user', async () => {
    const doc = await upload(alice.id, null, 'private.pdf', 'sha-private');
    expect((await fx.repos.documents.list(bob.id)).map((d) => d.id)).not.toContain(doc.id);
    expect(await fx.repos.documents.findBySha(bob.id, null, 'sha-private')).toBeNull();
    expect(await fx.repos.documents.get(bob.id, doc.id)).toBeNull();
  });
});
