import type { DocumentStatus, IngestStage, OutlineEntry } from '@classchat/contracts';
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { documents, type DocumentRow } from '../schema.js';

const unfinished = inArray(documents.status, ['uploaded', 'processing']);
/** Nobody holds the document: never claimed, released, or the holder stopped renewing in time. */
const leaseFree = sql`(${documents.ingestLeaseUntil} IS NULL OR ${documents.ingestLeaseUntil} < now())`;
const leaseEnd = (ms: number) => sql`now() + ${Math.max(1, Math.round(ms))} * interval '1 millisecond'`;

/**
 * A document's ingestion: the lease of the process ingesting it, its progress and outcome, and the
 * operator's and rag's access to it.
 */
export function createDocumentIngestState(db: Db) {
  return {
    /**
     * Records ingestion progress. `progress` (0..1) never decreases; documents already `ready` or
     * `failed` are left alone (late events); an ingestion starts with `claimIngest`.
     * Returns the updated row, or null when nothing changed.
     */
    async updateProgress(
      id: string,
      status: DocumentStatus,
      stage: IngestStage | null,
      progress: number,
    ): Promise<DocumentRow | null> {
      const p = Math.min(1, Math.max(0, progress));
      const [row] = await db
        .update(documents)
        .set({ status, stage, progress: sql`GREATEST(${documents.progress}, ${p}::real)` })
        .where(and(eq(documents.id, id), notInArray(documents.status, ['ready', 'failed'])))
        .returning();
      return row ?? null;
    },

    /**
     * Takes an unfinished (`uploaded` or `processing`) document for ingestion by the caller for
     * `leaseMs`: it starts again from `processing` / `queued` / 0. Null when another process holds
     * it (its lease is still running), or it is finished or gone.
     */
    async claimIngest(id: string, leaseMs: number): Promise<DocumentRow | null> {
      const [row] = await db
        .update(documents)
        .set({
          status: 'processing',
          stage: 'queued',
          progress: 0,
          error: null,
          pageCount: null,
          chunkCount: null,
          readyAt: null,
          ingestLeaseUntil: leaseEnd(leaseMs),
        })
        .where(and(eq(documents.id, id), unfinished, leaseFree))
        .returning();
      return row ?? null;
    },

    /** Extends the caller's hold on a document it is ingesting; false when it is no longer processing. */
    async renewIngestLease(id: string, leaseMs: number): Promise<boolean> {
      const rows = await db
        .update(documents)
        .set({ ingestLeaseUntil: leaseEnd(leaseMs) })
        .where(and(eq(documents.id, id), eq(documents.status, 'processing')))
        .returning({ id: documents.id });
      return rows.length > 0;
    },

    /** Lets go of a document before its lease runs out (a clean shutdown): another process may take it. */
    async releaseIngestLease(id: string): Promise<void> {
      await db.update(documents).set({ ingestLeaseUntil: null }).where(eq(documents.id, id));
    },

    /**
     * The document is indexed. `structure.outline`: its sections in reading order (an empty outline
     * is stored as null: nothing to show).
     */
    async markReady(
      id: string,
      pageCount: number,
      chunkCount: number,
      structure: { outline?: readonly OutlineEntry[] | null } = {},
    ): Promise<DocumentRow | null> {
      const outline = structure.outline && structure.outline.length > 0 ? [...structure.outline] : null;
      const [row] = await db
        .update(documents)
        .set({
          status: 'ready',
          stage: 'done',
          progress: 1,
          pageCount,
          chunkCount,
          outline,
          error: null,
          readyAt: sql`now()`,
          ingestLeaseUntil: null,
        })
        .where(eq(documents.id, id))
        .returning();
      return row ?? null;
    },

    async markFailed(id: string, error: string): Promise<DocumentRow | null> {
      const [row] = await db
        .update(documents)
        .set({ status: 'failed', error, ingestLeaseUntil: null })
        .where(eq(documents.id, id))
        .returning();
      return row ?? null;
    },

    /** Documents whose ingestion has not finished (`uploaded` or `processing`), oldest first: restart recovery. */
    async listUnfinished(): Promise<DocumentRow[]> {
      return db.select().from(documents).where(and(unfinished, leaseFree)).orderBy(documents.createdAt);
    },

    /**
     * OPERATOR ONLY (the admin CLI; never reachable from a user's request): finished documents to
     * read again, oldest first. `ids`: those documents; otherwise the `ready` documents of `userId`,
     * or of everyone when it is omitted.
     */
    async listForReingest(selection: { userId?: string; ids?: readonly string[] }): Promise<DocumentRow[]> {
      if (selection.ids?.length === 0) return [];
      const finished = inArray(documents.status, ['ready', 'failed']);
      const where = selection.ids
        ? and(inArray(documents.id, [...selection.ids]), finished)
        : and(
            eq(documents.status, 'ready'),
            selection.userId ? eq(documents.userId, selection.userId) : undefined,
          );
      return db.select().from(documents).where(where).orderBy(documents.createdAt, documents.id);
    },

    /**
     * OPERATOR ONLY: puts a finished (`ready` or `failed`) document back to `uploaded` / `queued` so an
     * ingestion reads it again (its chunks stay until the new ones replace them). Null when it is
     * being ingested, or gone.
     */
    async requeueForIngest(id: string): Promise<DocumentRow | null> {
      const [row] = await db
        .update(documents)
        .set({ status: 'uploaded', stage: 'queued', progress: 0, error: null })
        .where(and(eq(documents.id, id), inArray(documents.status, ['ready', 'failed']), leaseFree))
        .returning();
      return row ?? null;
    },

    /**
     * INTERNAL ONLY: a document by id with no user scope, for rag's internal ingest endpoint (which is
     * authenticated by the internal token and never receives a user's request directly).
     */
    async getForIngest(id: string): Promise<DocumentRow | null> {
      const [row] = await db.select().from(documents).where(eq(documents.id, id)).limit(1);
      return row ?? null;
    },
  };
}
