import { randomUUID } from 'node:crypto';
import type { ChunkScope, ScopeDocument } from '@classchat/db';
import { describe, expect, it } from 'vitest';
import { rememberedListings, type ScopeListing } from './scope-listing.js';

/** A listing that counts its calls and answers with the documents as they stand. */
function countingListing() {
  const documents: ScopeDocument[] = [];
  const calls: ChunkScope[] = [];
  const listing: ScopeListing = {
    listInScope: (scope) => {
      calls.push(scope);
      return Promise.resolve([...documents]);
    },
  };
  const add = (fileName: string) =>
    documents.push({ id: randomUUID(), fileName, status: 'ready', error: null });
  return { listing, calls, add };
}

const scope = (userId: string, classId: string | null = null): ChunkScope => ({
  userId,
  classId,
  documentId: null,
});

describe('rememberedListings', () => {
  it('lists a scope once while the documents version stays the same', async () => {
    const { listing, calls, add } = countingListing();
    add('cells.pdf');
    const remembered = rememberedListings(listing);
    const alice = scope(randomUUID());
    const first = await remembered.listInScope(alice, 3);
    const again = await remembered.listInScope(alice, 3);
    expect(calls).toHaveLength(1);
    expect(again).toEqual(first);
  });

  it('lists again once the version moves, and shows what changed', async () => {
    const { listing, calls, add } = countingListing();
    add('cells.pdf');
    const remembered = rememberedListings(listing);
    const alice = scope(randomUUID());
    await remembered.listInScope(alice, 3);
    add('enzymes.pdf');
    const after = await remembered.listInScope(alice, 4);
    expect(calls).toHaveLength(2);
    expect(after.map((d) => d.fileName)).toEqual(['cells.pdf', 'enzymes.pdf']);
  });

  it('answers a request that read an older version with the newer listing it has', async () => {
    const { listing, calls } = countingListing();
    const remembered = rememberedListings(listing);
    const alice = scope(randomUUID());
    await remembered.listInScope(alice, 5);
    await remembered.listInScope(alice, 4);
    expect(calls).toHaveLength(1);
  });

  it('always lists without a version', async () => {
    const { listing, calls } = countingListing();
    const remembered = rememberedListings(listing);
    const alice = scope(randomUUID());
    await remembered.listInScope(alice);
    await remembered.listInScope(alice);
    expect(calls).toHaveLength(2);
  });

  it('keeps every user’s and class’s scope apart', async () => {
    const { listing, calls } = countingListing();
    const remembered = rememberedListings(listing);
    const alice = randomUUID();
    const scopes = [scope(alice), scope(alice, randomUUID()), scope(randomUUID())];
    for (const s of scopes) await remembered.listInScope(s, 1);
    for (const s of scopes) await remembered.listInScope(s, 1);
    expect(calls).toEqual(scopes);
  });

  it('keeps at most `max` scopes, dropping the oldest', async () => {
    const { listing, calls } = countingListing();
    const remembered = rememberedListings(listing, { max: 2 });
    const [a, b, c] = [scope(randomUUID()), scope(randomUUID()), scope(randomUUID())];
    for (const s of [a, b, c]) await remembered.listInScope(s, 1);
    await remembered.listInScope(c, 1);
    await remembered.listInScope(a, 1);
    expect(calls).toEqual([a, b, c, a]);
  });
});
