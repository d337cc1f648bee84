import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { chunkEmbeddings, chunks } from '../schema.js';
import type { ChunkInput } from './chunks.js';
import { checkEmbedding } from './chunk-vector-search.js';

/** Rows per multi-row INSERT (about 13 parameters each, far below PostgreSQL's 65535). */
export const INSERT_BATCH_ROWS = 100;

/** `rows` in slices of at most INSERT_BATCH_ROWS, one multi-row INSERT each. */
function* insertBatches<T>(rows: readonly T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH_ROWS) yield rows.slice(i, i + INSERT_BATCH_ROWS);
}

/** Storing and removing a document's chunks, and keeping the planner's statistics of them fresh. */
export function createChunkWrites(db: Db) {
  /**
   * Refreshes the planner statistics of `chunks` and `chunk_embeddings`, each when about 10% of it
   * changed since its last ANALYZE (autovacuum's rule). PGlite has no autovacuum, and without
   * statistics the planner sorts a whole scope instead of using the HNSW index. Returns whether it
   * analyzed.
   */
  const analyzeIfStale = async (): Promise<boolean> => {
    const { rows: stats } = await db.execute<{ name: string; changed: number; live: number }>(
      sql`SELECT relname::text AS name, n_mod_since_analyze::int AS changed, n_live_tup::int AS live
            FROM pg_stat_user_tables WHERE relid IN ('chunks'::regclass, to_regclass('chunk_embeddings'))`,
    );
    const stale = stats.filter((s) => s.changed > 50 + 0.1 * s.live).map((s) => s.name);
    if (stale.length === 0) return false;
    // The names are the two tables' own (read from the catalogue above), not input.
    await db.execute(sql.raw(`ANALYZE ${stale.join(', ')}`));
    return true;
  };

  return {
    /**
     * Stores a document's chunks, replacing any it already had, in one transaction with multi-row
     * inserts (HNSW maintenance makes row-at-a-time inserts slow). Returns how many were stored.
     * `onProgress` hears the rows written so far (chunks, then embeddings) after each insert: a
     * thousand-page manual's rows take seconds to index, which a progress bar should show.
     */
    async insertForDocument(
      doc: { id: string; userId: string; classId: string | null },
      input: readonly ChunkInput[],
      options: { onProgress?: (done: number, total: number) => void } = {},
    ): Promise<number> {
      const rows = input.map((c) => ({
        // Chosen here, so that the chunk's embedding row can name it without reading it back.
        id: randomUUID(),
        documentId: doc.id,
        userId: doc.userId,
        classId: doc.classId,
        chunkIndex: c.chunkIndex,
        pageStart: c.pageStart,
        pageEnd: c.pageEnd,
        charStart: c.charStart,
        charEnd: c.charEnd,
        // PostgreSQL text cannot hold NUL, which PDF extraction occasionally yields.
        text: c.text.replaceAll('\u0000', ''),
        tokenCount: c.tokenCount,
        sectionPath: c.sectionPath && c.sectionPath.length > 0 ? [...c.sectionPath] : null,
        sectionPageStart: c.sectionPageStart ?? null,
        sectionPageEnd: c.sectionPageEnd ?? null,
        pageKind: c.pageKind ?? 'body',
        sourceMap: c.sourceMap ? c.sourceMap.map(([a, b, d]): [number, number, number] => [a, b, d]) : null,
      }));
      const embedded = input.flatMap((c, i) => {
        if (!c.embedding) return [];
        checkEmbedding(c.embedding);
        const r = rows[i]!;
        const { userId, classId, documentId, chunkIndex } = r;
        return [{ chunkId: r.id, userId, classId, documentId, chunkIndex, embedding: c.embedding }];
      });
      const total = rows.length + embedded.length;
      let done = 0;
      const wrote = (n: number) => options.onProgress?.((done += n), total);
      await db.transaction(async (tx) => {
        await tx.delete(chunks).where(eq(chunks.documentId, doc.id));
        for (const batch of insertBatches(rows)) {
          await tx.insert(chunks).values(batch);
          wrote(batch.length);
        }
        for (const batch of insertBatches(embedded)) {
          await tx.insert(chunkEmbeddings).values(batch);
          wrote(batch.length);
        }
        // A backend publishes its table counters at most once a second; without this, the check
        // below would not yet see the rows just written and skip an ANALYZE they call for. (Servers
        // before PostgreSQL 15 lack the function; they have autovacuum, which does the job anyway.)
        await tx.execute(
          sql.raw(`DO $$ BEGIN
            IF to_regproc('pg_stat_force_next_flush') IS NOT NULL THEN PERFORM pg_stat_force_next_flush(); END IF;
          END $$`),
        );
      });
      await analyzeIfStale();
      return rows.length;
    },

    analyzeIfStale,

    /** Removes a document's chunks; returns how many. */
    async deleteByDocument(documentId: string): Promise<number> {
      const deleted = await db
        .delete(chunks)
        .where(eq(chunks.documentId, documentId))
        .returning({ id: chunks.id });
      return deleted.length;
    },
  };
}
