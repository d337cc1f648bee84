import type {
  AnswerCoverage,
  AnswerStudy,
  ChunkReference,
  Citation,
  MessageRole,
  MessageStatus,
  MessageVersion,
  Reaction,
  Route,
} from '@classchat/contracts';
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { chatSessions, messages, type MessageRow } from '../schema.js';

export interface InsertAssistantInput {
  userId: string;
  sessionId: string;
  content: string;
  citations: Citation[];
  chunkReferences: ChunkReference[];
  route: Route | null;
  status?: MessageStatus;
  /** Whether the answer stands on the material (kept in its version). */
  coverage?: AnswerCoverage | undefined;
  /** The answer's quiz or study guide, kept in its version. */
  study?: AnswerStudy | undefined;
}

export interface NewVersionInput {
  content: string;
  citations: Citation[];
  chunkReferences: ChunkReference[];
  /** Default: now. */
  createdAt?: Date;
  /** The message's status after this version (default `complete`). */
  status?: MessageStatus;
  /** The route that produced this version (default: keep the message's). */
  route?: Route | null;
  /** Whether the answer stands on the material (kept in the version). */
  coverage?: AnswerCoverage | undefined;
  /** The version's quiz or study guide. */
  study?: AnswerStudy | undefined;
}

/** A version as stored: its coverage and study payload only when it has them. */
export function versionOf(
  input: Pick<NewVersionInput, 'content' | 'citations' | 'chunkReferences' | 'coverage' | 'study' | 'status'>,
  createdAt: Date,
): MessageVersion {
  return {
    content: input.content,
    citations: input.citations,
    chunkReferences: input.chunkReferences,
    createdAt: createdAt.toISOString(),
    ...(input.coverage ? { coverage: input.coverage } : {}),
    ...(input.study ? { study: input.study } : {}),
    status: input.status ?? 'complete',
  };
}

export type MessagesRepository = ReturnType<typeof createMessagesRepository>;

/**
 * Messages are reached through their session's owner: every function takes the user id and acts
 * only on sessions of that user (null / [] otherwise).
 */
export function createMessagesRepository(db: Db) {
  const ownedSession = (userId: string, sessionId: string) =>
    and(eq(chatSessions.id, sessionId), eq(chatSessions.userId, userId));
  /** The message belongs to a session of `userId`. */
  const ownedMessage = (userId: string): SQL =>
    sql`EXISTS (SELECT 1 FROM chat_sessions s WHERE s.id = "messages"."session_id" AND s.user_id = ${userId})`;

  /**
   * Appends a message at the session's next position, taken from its counter by the update that
   * locks the session row (bumping `updatedAt`), so concurrent appends take consecutive positions.
   */
  const append = (
    userId: string,
    sessionId: string,
    values: Omit<typeof messages.$inferInsert, 'sessionId' | 'position'>,
  ): Promise<MessageRow | null> =>
    db.transaction(async (tx) => {
      const touched = await tx
        .update(chatSessions)
        .set({ updatedAt: new Date(), nextPosition: sql`${chatSessions.nextPosition} + 1` })
        .where(ownedSession(userId, sessionId))
        .returning({ position: sql<number>`${chatSessions.nextPosition} - 1`.mapWith(Number) });
      const position = touched[0]?.position;
      if (position === undefined) return null;
      const [row] = await tx
        .insert(messages)
        .values({
          ...values,
          sessionId,
          position,
        })
        .returning();
      return row!;
    });

  return {
    /** The session's messages in order; [] when the session is not the user's. */
    async list(userId: string, sessionId: string): Promise<MessageRow[]> {
      return db
        .select({ message: messages })
        .from(messages)
        .innerJoin(chatSessions, eq(chatSessions.id, messages.sessionId))
        .where(ownedSession(userId, sessionId))
        .orderBy(asc(messages.position))
        .then((rows) => rows.map((r) => r.message));
    },

    /** Appends the user's message; null when the session is not the user's. */
    async appendUser(userId: string, sessionId: string, content: string): Promise<MessageRow | null> {
      return append(userId, sessionId, { role: 'user', content });
    },

    /**
     * Appends a finished assistant answer with `versions = [v1]`, `currentVersion = 0`; null when the
     * session is not the user's.
     */
    async insertAssistant(input: InsertAssistantInput): Promise<MessageRow | null> {
      const version = versionOf(input, new Date());
      return append(input.userId, input.sessionId, {
        role: 'assistant',
        content: input.content,
        citations: input.citations,
        chunkReferences: input.chunkReferences,
        versions: [version],
        currentVersion: 0,
        route: input.route,
        status: input.status ?? 'complete',
      });
    },

    /**
     * Appends a regenerated answer to an assistant message's versions and makes it current (content,
     * citations and chunk references follow). null when the message is not the user's or not an
     * assistant message.
     */
    async addVersion(userId: string, messageId: string, input: NewVersionInput): Promise<MessageRow | null> {
      const version = versionOf(input, input.createdAt ?? new Date());
      const [row] = await db
        .update(messages)
        .set({
          versions: sql`${messages.versions} || jsonb_build_array(${JSON.stringify(version)}::jsonb)`,
          // SET expressions see the old row: the old length is the new version's index.
          currentVersion: sql`jsonb_array_length(${messages.versions})`,
          content: input.content,
          citations: input.citations,
          chunkReferences: input.chunkReferences,
          status: input.status ?? 'complete',
          ...(input.route !== undefined ? { route: input.route } : {}),
        })
        .where(and(eq(messages.id, messageId), eq(messages.role, 'assistant'), ownedMessage(userId)))
        .returning();
      return row ?? null;
    },

    /**
     * Shows version `index` (0-based): content, citations, chunk references and status follow (a
     * version saved before it kept its status reads as complete). null when the
     * message is not the user's or `index` is out of range.
     */
    async setCurrentVersion(userId: string, messageId: string, index: number): Promise<MessageRow | null> {
      if (!Number.isInteger(index) || index < 0) return null;
      const v = sql`(${messages.versions} -> ${index}::int)`;
      const [row] = await db
        .update(messages)
        .set({
          currentVersion: index,
          content: sql`${v} ->> 'content'`,
          citations: sql`${v} -> 'citations'`,
          chunkReferences: sql`${v} -> 'chunkReferences'`,
          status: sql`coalesce(${v} ->> 'status', 'complete')::message_status`,
        })
        .where(
          and(
            eq(messages.id, messageId),
            ownedMessage(userId),
            sql`${index}::int < jsonb_array_length(${messages.versions})`,
          ),
        )
        .returning();
      return row ?? null;
    },

    /** Sets or clears (null) the reaction; null when the message is not the user's. */
    async setReaction(
      userId: string,
      messageId: string,
      reaction: Reaction | null,
    ): Promise<MessageRow | null> {
      const [row] = await db
        .update(messages)
        .set({ reaction })
        .where(and(eq(messages.id, messageId), ownedMessage(userId)))
        .returning();
      return row ?? null;
    },

    /** The message if it is in `sessionId` and that session is the user's. */
    async getForUser(userId: string, sessionId: string, messageId: string): Promise<MessageRow | null> {
      const [row] = await db
        .select({ message: messages })
        .from(messages)
        .innerJoin(chatSessions, eq(chatSessions.id, messages.sessionId))
        .where(and(eq(messages.id, messageId), ownedSession(userId, sessionId)))
        .limit(1);
      return row?.message ?? null;
    },

    /** The session's last message of `role`, or null. */
    async last(userId: string, sessionId: string, role: MessageRole): Promise<MessageRow | null> {
      const [row] = await db
        .select({ message: messages })
        .from(messages)
        .innerJoin(chatSessions, eq(chatSessions.id, messages.sessionId))
        .where(and(ownedSession(userId, sessionId), eq(messages.role, role)))
        .orderBy(desc(messages.position))
        .limit(1);
      return row?.message ?? null;
    },

    /** The session's last assistant message (the one a retry regenerates), or null. */
    async lastAssistant(userId: string, sessionId: string): Promise<MessageRow | null> {
      return this.last(userId, sessionId, 'assistant');
    },
  };
}
