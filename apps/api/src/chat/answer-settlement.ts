import type { Citation } from '@classchat/contracts';
import type { MessageRow } from '@classchat/db';
import {
  ChatDeletedError,
  type FinishedAnswer,
  type SavedAnswer,
  type StreamSettlement,
} from '../streaming/relay.js';
import type { ChatServiceDeps, ChatTurn, SettledUsage, TurnHold } from './chat-service.js';
import { wellFormedAnswer } from './well-formed.js';

/** What settling an answer needs of the chat service's dependencies. */
export type SettlementDeps = Pick<
  ChatServiceDeps,
  'repos' | 'quota' | 'leases' | 'usageRev' | 'onAnswerSaved'
>;

/**
 * How the turn's answer settles: saved (the one statement settles the reservation and the claim), or
 * ended without a save, its reservation released or charged and its claim let go. The claim is
 * renewed until then.
 */
export function settlementFor(
  deps: SettlementDeps,
  userId: string,
  turn: ChatTurn,
  hold: TurnHold,
): StreamSettlement & { settledUsage(): SettledUsage | null } {
  const unhold = deps.leases.hold(hold.answer.id);
  let settledUsage: SettledUsage | null = null;
  const end = async (step: 'release' | 'commit') => {
    unhold();
    await Promise.all([
      deps.quota[step](userId, hold.reservationId),
      deps.leases.release(turn.session.id, hold.answer.id),
    ]);
  };
  return {
    async save(finished) {
      try {
        const answer = wellFormedAnswer(finished);
        const repeatOf = turn.replaces ? repeatedVersion(turn.replaces, answer) : -1;
        if (turn.replaces && repeatOf >= 0) {
          // Not saved and not charged: the reservation and the session's claim are let go.
          await end('release');
          return { ...savedAnswerOf(turn.replaces), repeatOf };
        }
        // Taken before the statement: a usage published later never carries an older state.
        const rev = deps.usageRev?.() ?? 0;
        const settled = await turn.persist(deps.repos, answer);
        if (!settled) throw new ChatDeletedError();
        if (settled.usage) settledUsage = { usage: settled.usage, rev };
        deps.onAnswerSaved?.(userId, settled.message);
        return savedAnswerOf(settled.message);
      } finally {
        unhold();
      }
    },
    release: () => end('release'),
    charge: () => end('commit'),
    settledUsage: () => settledUsage,
  };
}

/**
 * The version of `message` a regenerated answer would repeat word for word (-1 when it is new): a
 * complete answer with the same text and the same citations.
 */
export function repeatedVersion(message: MessageRow, answer: FinishedAnswer): number {
  if (answer.status !== 'complete') return -1;
  const same = (a: readonly Citation[], b: readonly Citation[]) =>
    a.length === b.length &&
    a.every(
      (c, i) => c.chunkId === b[i]?.chunkId && c.charStart === b[i]?.charStart && c.charEnd === b[i]?.charEnd,
    );
  return message.versions.findIndex(
    (v) => v.content === answer.content && same(v.citations, answer.citations),
  );
}

export function savedAnswerOf(row: MessageRow): SavedAnswer {
  return {
    messageId: row.id,
    content: row.content,
    citations: row.citations,
    chunkReferences: row.chunkReferences,
    versions: row.versions,
    currentVersion: row.currentVersion,
    status: row.status,
    coverage: row.versions[row.currentVersion]?.coverage,
  };
}
