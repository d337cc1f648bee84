import type { Source } from '@classchat/contracts';
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { isForeignKeyViolation, NotFoundError } from '../errors.js';
import { chatSessions, classes, documents, type SessionRow } from '../schema.js';

export interface CreateSessionInput {
  userId: string;
  title: string;
  assignedClass?: string | null;
  assignedDocument?: string | null;
  source?: Source;
  ephemeral?: boolean;
}

export interface UpdateSessionInput {
  title?: string;
  assignedClass?: string | null;
  assignedDocument?: string | null;
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;

export function createSessionsRepository(db: Db) {
  const owned = (userId: string, id: string) => and(eq(chatSessions.userId, userId), eq(chatSessions.id, id));

  /** Throws `NotFoundError` when an assigned class or document is not the user's. */
  const checkAssignments = async (
    userId: string,
    assignedClass: string | null | undefined,
    assignedDocument: string | null | undefined,
  ) => {
    if (assignedClass) {
      const [row] = await db
        .select({ id: classes.id })
        .from(classes)
        .where(and(eq(classes.userId, userId), eq(classes.id, assignedClass)))
        .limit(1);
      if (!row) throw new NotFoundError('Class not found');
    }
    if (assignedDocument) {
      const [row] = await db
        .select({ id: documents.id })
        .from(documents)
        .where(and(eq(documents.userId, userId), eq(documents.id, assignedDocument)))
        .limit(1);
      if (!row) throw new NotFoundError('Document not found');
    }
  };

  const mapMissingReference = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new NotFoundError('Class or document not found');
      throw err;
    }
  };

  return {
    /** Throws `NotFoundError` when `assignedClass` / `assignedDocument` is not the user's. */
    async create(input: CreateSessionInput): Promise<SessionRow> {
      await checkAssignments(input.userId, input.assignedClass, input.assignedDocument);
      const [row] = await mapMissingReference(() =>
        db
          .insert(chatSessions)
          .values({
            userId: input.userId,
            title: input.title,
            assignedClass: input.assignedClass ?? null,
            assignedDocument: input.assignedDocument ?? null,
            source: input.source ?? 'main_app',
            ephemeral: input.ephemeral ?? false,
          })
          .returning(),
      );
      return row!;
    },

    async get(userId: string, id: string): Promise<SessionRow | null> {
      const [row] = await db.select().from(chatSessions).where(owned(userId, id)).limit(1);
      return row ?? null;
    },

    /** The user's non-ephemeral sessions, most recently updated first. */
    async list(userId: string, options: { limit?: number } = {}): Promise<SessionRow[]> {
      const query = db
        .select()
        .from(chatSessions)
        .where(and(eq(chatSessions.userId, userId), eq(chatSessions.ephemeral, false)))
        .orderBy(desc(chatSessions.updatedAt), desc(chatSessions.id));
      return options.limit === undefined ? query : query.limit(options.limit);
    },

    async rename(userId: string, id: string, title: string): Promise<SessionRow | null> {
      return this.update(userId, id, { title });
    },

    /**
     * Changes the title and/or the assigned class / document (null clears one); `updatedAt` (the
     * list order) is left alone. Throws `NotFoundError` when an assigned class or document is not the user's.
     */
    async update(userId: string, id: string, patch: UpdateSessionInput): Promise<SessionRow | null> {
      await checkAssignments(userId, patch.assignedClass, patch.assignedDocument);
      if (
        patch.title === undefined &&
        patch.assignedClass === undefined &&
        patch.assignedDocument === undefined
      ) {
        return this.get(userId, id);
      }
      const [row] = await mapMissingReference(() =>
        db
          .update(chatSessions)
          .set({
            ...(patch.title !== undefined ? { title: patch.title } : {}),
            ...(patch.assignedClass !== undefined ? { assignedClass: patch.assignedClass } : {}),
            ...(patch.assignedDocument !== undefined ? { assignedDocument: patch.assignedDocument } : {}),
          })
          .where(owned(userId, id))
          .returning(),
      );
      return row ?? null;
    },

    /** Deletes the session and its messages; false when it is not the user's. */
    async delete(userId: string, id: string): Promise<boolean> {
      const rows = await db.delete(chatSessions).where(owned(userId, id)).returning({ id: chatSessions.id });
      return rows.length === 1;
    },

    /**
     * Sets `updatedAt` (default now); false when the session is not the user's. Appending a message
     * already does this.
     */
    async touch(userId: string, id: string, at: Date = new Date()): Promise<boolean> {
      const rows = await db
        .update(chatSessions)
        .set({ updatedAt: at })
        .where(owned(userId, id))
        .returning({ id: chatSessions.id });
      return rows.length === 1;
    },
  };
}
