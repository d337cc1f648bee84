import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { email, startDbFixture, type DbFixture } from '../db.test-helpers.js';
import { users, type UserRow } from '../schema.js';

let fx: DbFixture;

beforeAll(async () => {
  fx = await startDbFixture();
});
afterAll(() => fx?.stop());

const newUser = () => fx.repos.users.create({ email: email(), name: 'Student', passwordHash: 'h' });

const upload = (user: UserRow, classId: string | null = null) =>
  fx.repos.documents.create({
    userId: user.id,
    classId,
    fileName: 'cells.pdf',
    mimeType: 'application/pdf',
    byteSize: 1234,
    sha256: randomUUID(),
    storageKey: `${user.id}/${randomUUID()}`,
  });

/** The user's documents version, as the chat's reservation reads it. */
async function versionOf(user: UserRow): Promise<number> {
  const reservation = await fx.repos.users.reserveChat(user.id, 1000);
  expect(reservation).not.toBeNull();
  await fx.repos.users.releaseChat(user.id, reservation!.id);
  return reservation!.documentsVersion;
}

describe('the documents version the chat reservation reads', () => {
  it('moves with every change a scope’s listing shows: upload, status, error, delete', async () => {
    const user = await newUser();
    const versions = [await versionOf(user)];
    const doc = await upload(user);
    versions.push(await versionOf(user));
    await fx.repos.documents.claimIngest(doc.id, 60_000);
    versions.push(await versionOf(user));
    await fx.repos.documents.markReady(doc.id, 3, 5);
    versions.push(await versionOf(user));
    const failing = await upload(user);
    await fx.repos.documents.markFailed(failing.id, 'unreadable');
    versions.push(await versionOf(user));
    await fx.repos.documents.delete(user.id, doc.id);
    versions.push(await versionOf(user));
    for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1]!);
  });

  it('stays the same through ingestion progress, chats and another user’s uploads', async () => {
    const user = await newUser();
    const other = await newUser();
    const doc = await upload(user);
    await fx.repos.documents.claimIngest(doc.id, 60_000);
    const before = await versionOf(user);
    await fx.repos.documents.updateProgress(doc.id, 'processing', 'parsing', 0.3);
    await fx.repos.documents.updateProgress(doc.id, 'processing', 'embedding', 0.6);
    await fx.repos.documents.renewIngestLease(doc.id, 60_000);
    await upload(other);
    expect(await versionOf(user)).toBe(before);
  });

  it('moves when a class with documents is deleted, and lets the account be deleted', async () => {
    const user = await newUser();
    const cls = await fx.repos.classes.create(user.id, 'Biology');
    await upload(user, cls.id);
    const before = await versionOf(user);
    await fx.repos.classes.delete(user.id, cls.id);
    expect(await versionOf(user)).toBeGreaterThan(before);
    await upload(user);
    await fx.database.db.delete(users).where(eq(users.id, user.id));
    expect(await fx.repos.users.findById(user.id)).toBeNull();
  });
});
