import { isDeepStrictEqual } from 'node:util';
import type { ChunkReference } from '@classchat/contracts';
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../client.js';
import { AnswerRunningError, NotFoundError } from '../errors.js';
import { chatSessions, messages, type MessageRow, type SessionRow } from '../schema.js';
import { answerFree, clearClaim, leaseEnd, type AnswerClaim } from './answer-claims.js';
import { versionOf, type InsertAssistantInput, type NewVersionInput } from './messages.js';
import { executePrepared } from './prepared.js';
import type { CreateSessionInput } from './sessions.js';
import { monthStartUtc, usageFromJson, usageReturning, type UsageRow } from './users.js';

/**
 * The chat path's writes as single statements. On the embedded database every transaction holds
 * the whole database until it commits, so a write that takes one round trip instead of a
 * transaction of several keeps everyone else (retrieval included) from waiting on it.
 */

export interface StartSessionInput extends CreateSessionInput {
  /** Optional: the caller picks the session id (e.g. to start work that names it first). */
  id?: string;
  /** The first user message. */
  content: string;
  /** The answer to this first question: the new session starts claimed by it. */
  answer?: AnswerClaim;
}

/** How the statement that saves an answer settles what the turn held. */
export interface Settlement {
  /** The user's chat reservation (from `users.reserveChat`). */
  reservationId: string;
  /** false: the reservation is given back instead of counted (default true). */
  charge?: boolean;
  /** The answer's claim on its session, cleared in the same statement. */
  answerId?: string;
}

/** One earlier message as a chat turn needs it for the model's history. */
export interface HistoryMessage {
  role: MessageRow['role'];
  content: string;
  chunkReferences: ChunkReference[];
}

/** What the statement that saves an answer returns: the message, and the user's usage once settled. */
export interface SettledAnswer {
  message: MessageRow;
  /** The month's chats and the stored bytes after the settlement (null when the user is gone). */
  usage: UsageRow | null;
}

export interface AppendedTurn {
  session: SessionRow;
  message: MessageRow;
  /** The session's last `historyLimit` messages before this one, oldest first. */
  history: HistoryMessage[];
}

/** A row of `table` from `to_jsonb(row)`: column names to property names, driver values mapped. */
function rowFromJson<T>(table: PgTable, json: Record<string, unknown>): T {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T;
}

type SettledJson = { message: Record<string, unknown>; usage: Record<string, unknown> | null };

/**
 * A saved answer repeats its current version's text, citations and chunk references at the top of
 * the row, and parsing the row makes a copy of each. The api keeps the saved message for a while
 * (what a resumed stream replays, what a reconnecting tab recovers), so the version is given the
 * row's own values where they are equal: each held once, serialized the same.
 */
function shareCurrentVersion(row: MessageRow): MessageRow {
  const current = row.versions[row.currentVersion];
  if (!current) return row;
  if (current.content === row.content) current.content = row.content;
  if (isDeepStrictEqual(current.citations, row.citations)) current.citations = row.citations;
  if (isDeepStrictEqual(current.chunkReferences, row.chunkReferences)) {
    current.chunkReferences = row.chunkReferences;
  }
  return row;
}

function settledAnswerOf(row: SettledJson | undefined, now: Date): SettledAnswer | null {
  if (!row) return null;
  return {
    message: shareCurrentVersion(rowFromJson<MessageRow>(messages, row.message)),
    usage: row.usage ? usageFromJson(row.usage, now) : null,
  };
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** The session's last `limit` messages as `[{role, content, chunkReferences}]`, oldest first (a jsonb). */
const historyOf = (sessionId: SQL, limit: number) => sql`(
  SELECT coalesce(jsonb_agg(jsonb_build_object('role', h.role, 'content', h.content, 'chunkReferences', h.chunk_references) ORDER BY h.position), '[]'::jsonb)
  FROM (SELECT role, content, chunk_references, position FROM messages WHERE session_id = ${sessionId} ORDER BY position DESC LIMIT ${limit}) h
)`;

/**
 * The SET list that ends a chat reservation: `charge` counts a completed chat in the UTC month
 * starting `monthStart` (rolling the month over), otherwise the chat is given back uncounted.
 */
const settleReservation = (settlement: Settlement, monthStart: Date) => {
  const drop = sql`chat_reservations = chat_reservations - ${settlement.reservationId}::text`;
  return (settlement.charge ?? true)
    ? sql`chat_request_count = (CASE WHEN chat_request_reset_at >= ${ts(monthStart)} THEN chat_request_count ELSE 0 END) + 1,
          chat_request_reset_at = GREATEST(chat_request_reset_at, ${ts(monthStart)}),
          ${drop}`
    : drop;
};

export type TurnsRepository = ReturnType<typeof createTurnsRepository>;

export function createTurnsRepository(db: Db) {
  return {
    /**
     * Creates a session with its first user message in one statement. Throws `NotFoundError` when
     * the assigned class or document is not the user's (nothing is written then).
     */
    async startSession(input: StartSessionInput): Promise<{ session: SessionRow; message: MessageRow }> {
      const classId = input.assignedClass ?? null;
      const docId = input.assignedDocument ?? null;
      // Prepared: written while rag retrieves, on the same database, before the first token.
      const result = await executePrepared<{
        session: Record<string, unknown> | null;
        message: Record<string, unknown> | null;
      }>(
        db,
        sql`
        WITH allowed AS (
          SELECT 1 AS ok
          WHERE (${classId}::uuid IS NULL OR EXISTS (SELECT 1 FROM classes WHERE id = ${classId}::uuid AND user_id = ${input.userId}::uuid))
            AND (${docId}::uuid IS NULL OR EXISTS (SELECT 1 FROM documents WHERE id = ${docId}::uuid AND user_id = ${input.userId}::uuid))
        ), s AS (
          INSERT INTO chat_sessions (id, user_id, title, assigned_class, assigned_document, source, ephemeral, next_position, answer_id, answer_lease_until)
          SELECT coalesce(${input.id ?? null}::uuid, gen_random_uuid()), ${input.userId}::uuid, ${input.title}::text, ${classId}::uuid, ${docId}::uuid, ${input.source ?? 'main_app'}::session_source, ${input.ephemeral ?? false}::boolean, 1,
            ${input.answer?.id ?? null}::uuid, ${input.answer ? leaseEnd(input.answer.leaseMs) : null}::timestamptz
          FROM allowed
          RETURNING *
        ), m AS (
          INSERT INTO messages (session_id, position, role, content)
          SELECT s.id, 0, 'user'::message_role, ${input.content}::text FROM s
          RETURNING *
        )
        SELECT (SELECT to_jsonb(s) FROM s) AS session, (SELECT to_jsonb(m) FROM m) AS message
      `,
      );
      const row = result.rows[0];
      if (!row?.session || !row.message) {
        throw new NotFoundError(
          classId && docId
            ? 'Class or document not found'
            : classId
              ? 'Class not found'
              : 'Document not found',
        );
      }
      return {
        session: rowFromJson<SessionRow>(chatSessions, row.session),
        message: rowFromJson<MessageRow>(messages, row.message),
      };
    },

    /**
     * Appends the user's message to their session (bumping `updatedAt`) and returns the session and
     * the history before it, in one statement; null when the session is not the user's. With
     * `answer`, the same statement claims the session for the answer to this question, and throws
     * `AnswerRunningError` (nothing appended) while another answer holds it.
     */
    async appendUser(
      userId: string,
      sessionId: string,
      content: string,
      historyLimit = 20,
      answer?: AnswerClaim,
    ): Promise<AppendedTurn | null> {
      const claim = answer
        ? sql`, answer_id = ${answer.id}::uuid, answer_lease_until = ${leaseEnd(answer.leaseMs)}`
        : sql``;
      const result = await db.execute<{
        found: boolean;
        session: Record<string, unknown> | null;
        message: Record<string, unknown> | null;
        history: HistoryMessage[];
      }>(sql`
        WITH s AS (
          UPDATE chat_sessions SET updated_at = now(), next_position = next_position + 1 ${claim}
          WHERE id = ${sessionId}::uuid AND user_id = ${userId}::uuid ${answer ? sql`AND ${answerFree}` : sql``}
          RETURNING *
        ), m AS (
          INSERT INTO messages (session_id, position, role, content)
          SELECT s.id, s.next_position - 1, 'user'::message_role, ${content}::text
          FROM s
          RETURNING *
        )
        SELECT EXISTS (SELECT 1 FROM chat_sessions WHERE id = ${sessionId}::uuid AND user_id = ${userId}::uuid) AS found,
          (SELECT to_jsonb(s) FROM s) AS session, (SELECT to_jsonb(m) FROM m) AS message,
          ${historyOf(sql`${sessionId}::uuid`, historyLimit)} AS history
      `);
      const row = result.rows[0];
      if (!row?.session || !row.message) {
        if (row?.found) throw new AnswerRunningError();
        return null;
      }
      return {
        session: rowFromJson<SessionRow>(chatSessions, row.session),
        message: rowFromJson<MessageRow>(messages, row.message),
        history: row.history,
      };
    },

    /**
     * The one write at the end of a stream, as one statement: appends the finished answer
     * (`versions = [it]`), bumps the session's `updatedAt` (clearing the answer's claim on it), and
     * settles the user's chat reservation:
     * it becomes a completed chat of the UTC month of `now`, or with `charge: false` it is given back
     * (an answer that found nothing in the material costs nothing). null (and nothing written,
     * nothing settled) when the session is not the user's any more.
     */
    async insertAnswerAndSettle(
      input: InsertAssistantInput & Settlement,
      now: Date = new Date(),
    ): Promise<SettledAnswer | null> {
      const version = versionOf(input, now);
      const monthStart = monthStartUtc(now);
      const result = await db.execute<SettledJson>(sql`
        WITH s AS (
          UPDATE chat_sessions SET updated_at = ${ts(now)}, next_position = next_position + 1, ${clearClaim(input.answerId)}
          WHERE id = ${input.sessionId}::uuid AND user_id = ${input.userId}::uuid
          RETURNING id, next_position - 1 AS position
        ), m AS (
          INSERT INTO messages (session_id, position, role, content, citations, chunk_references, versions, current_version, route, status)
          SELECT s.id, s.position, 'assistant'::message_role,
            ${input.content}::text, ${JSON.stringify(input.citations)}::jsonb, ${JSON.stringify(input.chunkReferences)}::jsonb,
            ${JSON.stringify([version])}::jsonb, 0, ${input.route}::text, ${input.status ?? 'complete'}::message_status
          FROM s
          RETURNING *
        ), u AS (
          UPDATE users SET ${settleReservation(input, monthStart)}
          WHERE id = ${input.userId}::uuid AND EXISTS (SELECT 1 FROM m)
          RETURNING ${usageReturning}
        )
        SELECT to_jsonb(m) AS message, to_jsonb(u) AS usage FROM m LEFT JOIN u ON true
      `);
      return settledAnswerOf(result.rows[0], now);
    },

    /**
     * The one write at the end of a retry, as one statement: appends the regenerated answer to the
     * assistant message's versions and makes it current (content, citations, chunk references,
     * status and route follow), bumps the session's `updatedAt` (clearing the answer's claim on it),
     * and settles the user's chat
     * reservation as {@link insertAnswerAndSettle} does. null (and nothing written, nothing settled)
     * when the message is not an assistant message of the user's session `sessionId`.
     */
    async addVersionAndSettle(
      userId: string,
      sessionId: string,
      messageId: string,
      input: NewVersionInput & Settlement,
      now: Date = new Date(),
    ): Promise<SettledAnswer | null> {
      const version = versionOf(input, input.createdAt ?? now);
      const monthStart = monthStartUtc(now);
      const keepRoute = input.route === undefined;
      const result = await db.execute<SettledJson>(sql`
        WITH s AS (
          UPDATE chat_sessions SET updated_at = ${ts(now)}, ${clearClaim(input.answerId)}
          WHERE id = ${sessionId}::uuid AND user_id = ${userId}::uuid
            AND EXISTS (SELECT 1 FROM messages x WHERE x.id = ${messageId}::uuid AND x.session_id = ${sessionId}::uuid AND x.role = 'assistant')
          RETURNING id
        ), m AS (
          UPDATE messages SET
            versions = versions || jsonb_build_array(${JSON.stringify(version)}::jsonb),
            current_version = jsonb_array_length(versions),
            content = ${input.content}::text,
            citations = ${JSON.stringify(input.citations)}::jsonb,
            chunk_references = ${JSON.stringify(input.chunkReferences)}::jsonb,
            status = ${input.status ?? 'complete'}::message_status,
            route = CASE WHEN ${keepRoute}::boolean THEN route ELSE ${input.route ?? null}::text END
          FROM s
          WHERE messages.id = ${messageId}::uuid AND messages.session_id = s.id AND messages.role = 'assistant'
          RETURNING messages.*
        ), u AS (
          UPDATE users SET ${settleReservation(input, monthStart)}
          WHERE id = ${userId}::uuid AND EXISTS (SELECT 1 FROM m)
          RETURNING ${usageReturning}
        )
        SELECT to_jsonb(m) AS message, to_jsonb(u) AS usage FROM m LEFT JOIN u ON true
      `);
      return settledAnswerOf(result.rows[0], now);
    },
  };
}
