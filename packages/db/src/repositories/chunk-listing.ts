import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { chunks, documents } from '../schema.js';
import type { ChunkHit, ChunkScope } from './chunks.js';
import { hitColumns, numberHits, type RecordSearch } from './chunk-hits.js';
import { focusSql, type SearchFocus } from './ranked-search.js';
import { chunkScopeColumns, scopeOn } from './scope.js';

const scopeWhere = (scope: ChunkScope): SQL => scopeOn(chunkScopeColumns, scope);

/** Chunks read by id or spread over a scope, and a scope's size. */
export function createChunkListing(db: Db, record: RecordSearch) {
  return {
    /** The user's chunks with these ids (others are skipped), in the order of `ids`. */
    async getByIds(userId: string, ids: readonly string[]): Promise<ChunkHit[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .select(hitColumns)
        .from(chunks)
        .innerJoin(documents, eq(documents.id, chunks.documentId))
        .where(and(eq(chunks.userId, userId), inArray(chunks.id, [...new Set(ids)])));
      const byId = new Map(rows.map((r) => [r.chunkId, r]));
      const ordered = [...new Set(ids)].flatMap((id) => {
        const r = byId.get(id);
        return r ? [{ ...r, score: 0 }] : [];
      });
      return numberHits(ordered);
    },

    /**
     * Up to `n` chunks spread evenly over the scope (or over its part `focus`, when given): the
     * documents share `n` equally (a document with fewer chunks gives its unused share to the others),
     * and each document's share is spaced evenly through it, so pages from beginning to end are
     * represented. Ordered by document, then position.
     */
    async sampleAcross(scope: ChunkScope, n: number, focus?: SearchFocus | null): Promise<ChunkHit[]> {
      const started = performance.now();
      const want = Math.max(0, Math.floor(n));
      const where = and(scopeWhere(scope), focus ? focusSql(focus) : undefined);
      const counts = await db
        .select({ documentId: chunks.documentId, count: sql<number>`count(*)::int`.mapWith(Number) })
        .from(chunks)
        .where(where)
        .groupBy(chunks.documentId)
        .orderBy(chunks.documentId);
      const quotas = shareEvenly(
        counts.map((c) => c.count),
        want,
      );
      const picks: SQL[] = [];
      counts.forEach((c, i) => {
        for (const position of spreadPositions(c.count, quotas[i]!)) {
          picks.push(sql`(${c.documentId}::uuid, ${position}::int)`);
        }
      });
      if (picks.length === 0) {
        record('sample', scope, n, 0, started);
        return [];
      }
      const numbered = db
        .select({
          id: chunks.id,
          documentId: chunks.documentId,
          position:
            sql<number>`(row_number() OVER (PARTITION BY ${chunks.documentId} ORDER BY ${chunks.chunkIndex}) - 1)::int`.as(
              'position',
            ),
        })
        .from(chunks)
        .where(where)
        .as('numbered');
      const rows = await db
        .select(hitColumns)
        .from(numbered)
        .innerJoin(chunks, eq(chunks.id, numbered.id))
        .innerJoin(documents, eq(documents.id, chunks.documentId))
        .where(sql`(${numbered.documentId}, ${numbered.position}) IN (VALUES ${sql.join(picks, sql`, `)})`)
        .orderBy(asc(documents.createdAt), asc(documents.id), asc(chunks.chunkIndex));
      record('sample', scope, n, rows.length, started);
      return numberHits(rows.map((r) => ({ ...r, score: 0 })));
    },

    /** How many chunks the scope holds. */
    async countInScope(scope: ChunkScope): Promise<number> {
      const [row] = await db
        .select({ count: sql<number>`count(*)::int`.mapWith(Number) })
        .from(chunks)
        .where(scopeWhere(scope));
      return row?.count ?? 0;
    },
  };
}

/** Splits `total` among buckets of the given capacities as evenly as possible (water-filling). */
export function shareEvenly(capacities: readonly number[], total: number): number[] {
  const shares = capacities.map(() => 0);
  let left = Math.min(
    total,
    capacities.reduce((a, b) => a + b, 0),
  );
  while (left > 0) {
    const open = capacities.flatMap((cap, i) => (shares[i]! < cap ? [i] : []));
    const each = Math.max(1, Math.floor(left / open.length));
    for (const i of open) {
      if (left === 0) break;
      const give = Math.min(each, capacities[i]! - shares[i]!, left);
      shares[i] = shares[i]! + give;
      left -= give;
    }
  }
  return shares;
}

/** `k` positions spread evenly over `0..count-1` (the middle of `k` equal slices). */
export function spreadPositions(count: number, k: number): number[] {
  const take = Math.min(count, Math.max(0, k));
  return Array.from({ length: take }, (_, i) => Math.floor(((i + 0.5) * count) / take));
}
