import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';

/**
 * One running answer per session, across api processes: the session row names the answer being
 * written (`answer_id`, the stream id) and until when its process holds it (`answer_lease_until`,
 * renewed while it writes). A new question or a retry claims the session with a conditional UPDATE,
 * which PostgreSQL runs one at a time per row, so of any number of concurrent claims exactly one wins;
 * the statement that saves the answer (or `release`) clears the claim. A claim whose process died
 * lapses when its lease runs out.
 */
export interface AnswerClaim {
  /** The answer's id (its stream id). */
  id: string;
  /** How long the claim holds unless renewed. */
  leaseMs: number;
}

/** The session has no running answer: never claimed, settled, or its holder stopped renewing in time. */
export const answerFree: SQL = sql`(answer_id IS NULL OR answer_lease_until IS NULL OR answer_lease_until < now())`;

/** `now()` plus a lease of `ms` milliseconds. */
export const leaseEnd = (ms: number): SQL =>
  sql`(now() + ${Math.max(1, Math.round(ms))} * interval '1 millisecond')`;

/** The SET list that clears the claim of answer `answerId` (and nothing else's). */
export const clearClaim = (answerId: string | null | undefined): SQL =>
  sql`answer_id = CASE WHEN answer_id = ${answerId ?? null}::uuid THEN NULL ELSE answer_id END,
      answer_lease_until = CASE WHEN answer_id = ${answerId ?? null}::uuid THEN NULL ELSE answer_lease_until END`;

export type ClaimResult = 'claimed' | 'busy' | 'not_found';

export type AnswerClaimsRepository = ReturnType<typeof createAnswerClaimsRepository>;

export function createAnswerClaimsRepository(db: Db) {
  return {
    /** Claims the user's session for `claim.id`: `busy` while another answer holds it. */
    async claim(userId: string, sessionId: string, claim: AnswerClaim): Promise<ClaimResult> {
      const result = await db.execute<{ found: boolean; claimed: boolean }>(sql`
        WITH target AS (
          SELECT id FROM chat_sessions WHERE id = ${sessionId}::uuid AND user_id = ${userId}::uuid
        ), c AS (
          UPDATE chat_sessions SET answer_id = ${claim.id}::uuid, answer_lease_until = ${leaseEnd(claim.leaseMs)}
          WHERE id = ${sessionId}::uuid AND user_id = ${userId}::uuid AND ${answerFree}
          RETURNING id
        )
        SELECT EXISTS (SELECT 1 FROM target) AS found, EXISTS (SELECT 1 FROM c) AS claimed
      `);
      const row = result.rows[0];
      return row?.claimed ? 'claimed' : row?.found ? 'busy' : 'not_found';
    },

    /** Extends the leases of the answers this process is writing; how many it still holds. */
    async renew(answerIds: readonly string[], leaseMs: number): Promise<number> {
      if (answerIds.length === 0) return 0;
      const result = await db.execute(sql`
        UPDATE chat_sessions SET answer_lease_until = ${leaseEnd(leaseMs)}
        WHERE answer_id = ANY(${`{${answerIds.join(',')}}`}::uuid[])
      `);
      return result.rowCount ?? 0;
    },

    /** Lets go of the session's claim if `answerId` still holds it. */
    async release(sessionId: string, answerId: string): Promise<void> {
      await db.execute(sql`
        UPDATE chat_sessions SET ${clearClaim(answerId)}
        WHERE id = ${sessionId}::uuid AND answer_id = ${answerId}::uuid
      `);
    },

    /** The id of the answer running in the session, or null. */
    async running(sessionId: string): Promise<string | null> {
      const result = await db.execute<{ answer_id: string | null }>(sql`
        SELECT answer_id FROM chat_sessions WHERE id = ${sessionId}::uuid AND ${answerFree} IS NOT TRUE
      `);
      return result.rows[0]?.answer_id ?? null;
    },
  };
}
