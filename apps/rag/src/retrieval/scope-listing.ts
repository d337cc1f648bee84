import type { ChunkScope, ScopeDocument } from '@classchat/db';

/** The documents of an answer's scope: whether it has material, and which documents a question can name. */
export interface ScopeListing {
  /**
   * The scope's documents, oldest first. `documentsVersion`: the user's documents version, read (by
   * the chat's reservation) before this call; a listing made at that version or a later one will do.
   */
  listInScope(scope: ChunkScope, documentsVersion?: number): Promise<ScopeDocument[]>;
}

/**
 * A scope's listing, kept by the user's documents version: the database moves that version with
 * every change a listing shows (a document added, deleted, renamed, moved, or its status or error
 * changed), in whichever process makes it, so a listing made at version v or later is the scope's
 * listing at v. A call without a version always lists. The same student asking again in the same
 * scope then costs no statement before the first token. At most `max` scopes are kept (the oldest
 * dropped first); the listing returned is shared and must not be changed.
 */
export function rememberedListings(listing: ScopeListing, options: { max?: number } = {}): ScopeListing {
  const max = options.max ?? 10_000;
  const kept = new Map<string, { version: number; documents: ScopeDocument[] }>();
  const keyOf = (s: ChunkScope) => `${s.userId}|${s.classId ?? ''}|${s.documentId ?? ''}`;
  return {
    async listInScope(scope, documentsVersion) {
      if (documentsVersion === undefined) return listing.listInScope(scope);
      const key = keyOf(scope);
      const known = kept.get(key);
      if (known && known.version >= documentsVersion) return known.documents;
      // Made after the version was read, so it shows that version or a later one.
      const documents = await listing.listInScope(scope);
      const latest = kept.get(key);
      if (!latest || latest.version < documentsVersion) {
        // Insertion order is age order: drop the oldest.
        kept.delete(key);
        kept.set(key, { version: documentsVersion, documents });
        if (kept.size > max) kept.delete(kept.keys().next().value!);
      }
      return documents;
    },
  };
}
