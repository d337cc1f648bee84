import type { DocumentStatus, SupportedMime } from '@classchat/contracts';
import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { isForeignKeyViolation, NotFoundError, StorageQuotaError } from '../errors.js';
import { classes, documents, type DocumentRow } from '../schema.js';
import { createDocumentIngestState } from './document-ingest-state.js';
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

/**
 * Bytes of a user's stored files, as a scalar subquery: every document but the failed ones (their
 * files are removed). `userId` is the user's id as SQL (a parameter, or a column of the outer query).
 */
export function storedBytesOf(userId: SQL) {
  return sql<string>`(select coalesce(sum(${documents.byteSize}), 0) from ${documents} where ${documents.userId} = ${userId} and ${documents.status} <> 'failed')`;
}

/** A user's documents and their ingestion's state (each job its own module). */
export function createDocumentsRepository(db: Db) {
  return { ...createDocumentLibrary(db), ...createDocumentIngestState(db) };
}

/** A user's documents: adding (within the storage quota), reading, listing, deleting. */
function createDocumentLibrary(db: Db) {
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
        const inTx = createDocumentLibrary(tx);
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

    /** Deletes the document (its chunks cascade). Returns its storage key, or null when not the user's. */
    async delete(userId: string, id: string): Promise<string | null> {
      const [row] = await db
        .delete(documents)
        .where(owned(userId, id))
        .returning({ storageKey: documents.storageKey });
      return row?.storageKey ?? null;
    },
  };
}
