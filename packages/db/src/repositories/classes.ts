import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { mapConflict } from '../errors.js';
import { classes, documents, type ClassRow } from '../schema.js';

export interface ClassWithCount extends ClassRow {
  /** Documents ready or still being processed. */
  documentCount: number;
  /** Documents that could not be processed. */
  failedCount: number;
}

const DUPLICATE_NAME = 'You already have a class with this name';

export type ClassesRepository = ReturnType<typeof createClassesRepository>;

export function createClassesRepository(db: Db) {
  // Spelled out: drizzle renders columns unqualified in single-table queries, which would bind to `d`.
  const countWhere = (failed: boolean) =>
    sql<number>`(SELECT count(*) FROM documents d WHERE d.user_id = "classes"."user_id" AND d.class_id = "classes"."id" AND (d.status = 'failed') = ${failed})::int`;
  const withCount = {
    ...getTableColumns(classes),
    documentCount: countWhere(false),
    failedCount: countWhere(true),
  };
  const owned = (userId: string, id: string) => and(eq(classes.userId, userId), eq(classes.id, id));

  return {
    /** The user's classes with their document counts, by name (case-insensitive). */
    async list(userId: string): Promise<ClassWithCount[]> {
      return db
        .select(withCount)
        .from(classes)
        .where(eq(classes.userId, userId))
        .orderBy(sql`lower(${classes.name})`, classes.createdAt);
    },

    async get(userId: string, id: string): Promise<ClassWithCount | null> {
      const [row] = await db.select(withCount).from(classes).where(owned(userId, id)).limit(1);
      return row ?? null;
    },

    /** Throws `ConflictError` when the user has a class of that name (case-insensitive). */
    async create(userId: string, name: string): Promise<ClassWithCount> {
      const [row] = await mapConflict(
        () => db.insert(classes).values({ userId, name: name.trim() }).returning(),
        DUPLICATE_NAME,
      );
      return { ...row!, documentCount: 0, failedCount: 0 };
    },

    /** null when the class is not the user's; throws `ConflictError` for a duplicate name. */
    async rename(userId: string, id: string, name: string): Promise<ClassWithCount | null> {
      const [row] = await mapConflict(
        () => db.update(classes).set({ name: name.trim() }).where(owned(userId, id)).returning(withCount),
        DUPLICATE_NAME,
      );
      return row ?? null;
    },

    /**
     * Deletes the class and (by cascade) its documents and their chunks. Returns the storage keys of
     * the deleted documents so the caller can remove the files, or null when the class is not the user's.
     */
    async delete(userId: string, id: string): Promise<{ storageKeys: string[] } | null> {
      return db.transaction(async (tx) => {
        // Lock the class first: an upload into it waits for us (and then fails its foreign key), so
        // every document the cascade removes is one whose key we read below.
        const locked = await tx
          .select({ id: classes.id })
          .from(classes)
          .where(owned(userId, id))
          .for('update');
        if (locked.length === 0) return null;
        const docs = await tx
          .select({ storageKey: documents.storageKey })
          .from(documents)
          .where(and(eq(documents.userId, userId), eq(documents.classId, id)));
        await tx.delete(classes).where(owned(userId, id));
        return { storageKeys: docs.map((d) => d.storageKey) };
      });
    },
  };
}
