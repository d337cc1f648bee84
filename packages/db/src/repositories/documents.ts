import type { DocumentStatus, IngestStage, OutlineEntry, SupportedMime } from '@classchat/contracts';
import { and, desc, eq, inArray, isNull, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { isForeignKeyViolation, NotFoundError, StorageQuotaError } from '../errors.js';
import { classes, documents, type DocumentRow } from '../schema.js';
import { preparedPerShape, scopeShape, type ScopeShape } from './prepared.js';
import { documentScopeColumns, scopeOn, scopeParams, scopePlaceholders } from './scope.js';

export interface CreateDocumentInput {
  /** Optional: let the caller pick the id (e.g. to name the stored file before the row exists). */
  id?: string;
  userId: string;
  classId: string | null;
  fileName: string;
  mimeType: SupportedMime;
  byteSize: number;
  sha256: string;
  storageKey: string;
}

export type DocumentsRepository = ReturnType<typeof createDocumentsRepository>;

/** A document of a retrieval scope, as an answer needs to know it (is there material, is it ready). */
export interface ScopeDocument {
  id: string;
  fileName: string;
  status: DocumentStatus;
  error: string | null;
}

const unfinished = inArray(documents.status, ['uploaded', 'processing']);
/** Nobody holds the document: never claimed, released, or the holder stopped renewing in time. */
const leaseFree = sql`(${documents.ingestLeaseUntil} IS NULL OR ${documents.ingestLeaseUntil} < now())`;
const leaseEnd = (ms: number) => sql`now() + ${Math.max(1, Math.round(ms))} * interval '1 millisecond'`;

/**
 * Bytes of a user's stored files, as a scalar subquery: every document but the failed ones (their
 * files are removed). `userId` is the user's id as SQL (a parameter, or a column of the outer query).
 */
export function storedBytesOf(userId: SQL) {
  return sql<string>`(select coalesce(sum(${documents.byteSize}), 0) from ${documents} where ${documents.userId} = ${userId} and ${documents.status} <> 'failed')`;
}

export function createDocumentsRepository(db: Db) {
  const owned = (userId: string, id: string) => and(eq(documents.userId, userId), eq(documents.id, id));
  const inClass = (classId: string | null) =>
    classId === null ? isNull(documents.classId) : eq(documents.classId, classId);
  // Prepared: read before every answer's first token, where parsing and planning it would wait.
  const listStatement = preparedPerShape((shape: ScopeShape) =>
    db
      .select({
        id: documents.id,
        fileName: documents.fileName,
        status: documents.status,
        error: documents.error,
      })
      .from(documents)
      .where(scopeOn(documentScopeColumns, scopePlaceholders(shape)))
      .orderBy(documents.createdAt, documents.id),
  );

  return {
    /**
     * Creates a document with status `uploaded`, stage `queued`. Throws `NotFoundError` when `classId`
     * is not one of the user's classes.
     */
    async create(input: CreateDocumentInput): Promise<DocumentRow> {
      if (input.classId !== null) {
        const [cls] = await db
          .select({ id: classes.id })
          .from(classes)
          .where(and(eq(classes.id, input.classId), eq(classes.userId, input.userId)))
          .limit(1);
        if (!cls) throw new NotFoundError('Class not found');
      }
      try {
        const [row] = await db
          .insert(documents)
          .values({ ...input, status: 'uploaded', stage: 'queued', progress: 0 })
          .returning();
        return row!;
      } catch (err) {
        if (isForeignKeyViolation(err)) throw new NotFoundError('Class not found');
        throw err;
      }
    },

    /**
     * The user's document with this content in this class if there is one (`duplicate`), otherwise a
     * new one (as `create`) — unless it would take the user's stored bytes past `storageLimitBytes`
     * (`StorageQuotaError`, nothing written). A user's uploads are recorded one at a time (an advisory
     * lock on the user), so identical uploads make one document and parallel ones cannot overshoot
     * the quota together.
     */
    async createUnlessDuplicate(
      input: CreateDocumentInput,
      options: { storageLimitBytes?: number } = {},
    ): Promise<{ row: DocumentRow; duplicate: boolean }> {
      return db.transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`documents|${input.userId}`}))`);
        const inTx = createDocumentsRepository(tx);
        const existing = await inTx.findBySha(input.userId, input.classId, input.sha256);
        if (existing) return { row: existing, duplicate: true };
        if (options.storageLimitBytes !== undefined) {
          const used = await inTx.storageUsed(input.userId);
          if (used + input.byteSize > options.storageLimitBytes) {
            throw new StorageQuotaError(used, options.storageLimitBytes);
          }
        }
        return { row: await inTx.create(input), duplicate: false };
      });
    },

    /** Bytes of the user's stored files (see {@link storedBytesOf}). */
    async storageUsed(userId: string): Promise<number> {
      const { rows } = await db.execute<{ bytes: string }>(
        sql`select ${storedBytesOf(sql`${userId}`)} as bytes`,
      );
      return Number(rows[0]?.bytes ?? 0);
    },

    async get(userId: string, id: string): Promise<DocumentRow | null> {
      const [row] = await db.select().from(documents).where(owned(userId, id)).limit(1);
      return row ?? null;
    },

    /**
     * The user's documents, newest first. `classId` omitted: all of them; `null`: those in no class;
     * an id: that class's.
     */
    async list(userId: string, classId?: string | null): Promise<DocumentRow[]> {
      return db
        .select()
        .from(documents)
        .where(and(eq(documents.userId, userId), classId === undefined ? undefined : inClass(classId)))
        .orderBy(desc(documents.createdAt), desc(documents.id));
    },

    /**
     * The documents a retrieval scope searches (a chunk scope: `classId` / `documentId` omitted or null
     * mean no restriction on that dimension), oldest first; always the user's only.
     */
    async listInScope(scope: {
      userId: string;
      classId?: string | null;
      documentId?: string | null;
    }): Promise<ScopeDocument[]> {
      return listStatement(scopeShape(scope)).execute(scopeParams(scope));
    },

    /** The user's most recent document with this content hash in this class (`null`: no class). */
    async findBySha(userId: string, classId: string | null, sha256: string): Promise<DocumentRow | null> {
      const [row] = await db
        .select()
        .from(documents)
        .where(and(eq(documents.userId, userId), eq(documents.sha256, sha256), inClass(classId)))
        .orderBy(desc(documents.createdAt))
        .limit(1);
      return row ?? null;
    },

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

    /** Deletes the document (its chunks cascade). Returns its storage key, or null when not the user's. */
    async delete(userId: string, id: string): Promise<string | null> {
      const [row] = await db
        .delete(documents)
        .where(owned(userId, id))
        .returning({ storageKey: documents.storageKey });
      return row?.storageKey ?? null;
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
