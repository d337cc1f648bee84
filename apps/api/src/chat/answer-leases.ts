import type { AnswerClaim, AnswerClaimsRepository } from '@classchat/db';
import type { Logger } from 'pino';

/** How long a session's running-answer claim holds unless renewed; renewed every third of it. */
export const ANSWER_LEASE_MS = 15_000;

/**
 * The running-answer claims this api process holds (one per answer it is writing, on its session's
 * row): it renews them all in one statement every third of the lease while they run, so a claim
 * outlives a slow answer but not a crashed process.
 */
export interface AnswerLeases {
  /** A claim for a new answer (its id is the stream id), to pass to the statement that claims. */
  claimFor(answerId: string): AnswerClaim;
  /** Renews the claim of `answerId` until the returned function is called. */
  hold(answerId: string): () => void;
  /** Lets go of the session's claim (the answer ended without the statement that saves it) and stops renewing it. */
  release(sessionId: string, answerId: string): Promise<void>;
  /** Stops renewing (at shutdown, after the answers ended). */
  close(): void;
}

export function createAnswerLeases(
  claims: AnswerClaimsRepository,
  options: { logger: Logger; leaseMs?: number },
): AnswerLeases {
  const leaseMs = options.leaseMs ?? ANSWER_LEASE_MS;
  const held = new Set<string>();
  const renew = () => {
    if (held.size === 0) return;
    claims.renew([...held], leaseMs).catch((err: unknown) => {
      options.logger.warn({ err, answers: held.size }, 'could not renew the running answers’ leases');
    });
  };
  const timer = setInterval(renew, leaseMs / 3).unref();
  return {
    claimFor: (answerId) => ({ id: answerId, leaseMs }),
    hold(answerId) {
      held.add(answerId);
      return () => void held.delete(answerId);
    },
    async release(sessionId, answerId) {
      held.delete(answerId);
      await claims.release(sessionId, answerId);
    },
    close() {
      clearInterval(timer);
      held.clear();
    },
  };
}
