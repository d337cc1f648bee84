import { AppError, type AnswerCoverage } from '@classchat/contracts';
import type { ChatReservation, UsersRepository } from '@classchat/db';
import { sessionExpired } from '../auth/require-auth.js';

/** The 403 text of SPEC §4, with the configured monthly limit. */
export function quotaExceededMessage(limit: number): string {
  return `Free plan limit reached (${limit} chats/month). Upgrade to premium for unlimited chats.`;
}

/**
 * Whether a saved answer counts as a chat: one that found nothing in the student's material (no
 * documents, still processing, below the relevance floor) does not. An answer whose coverage rag did
 * not report counts.
 */
export function chargesChat(coverage: AnswerCoverage | null | undefined): boolean {
  return coverage !== 'not_covered' && coverage !== 'no_material';
}

/**
 * The free plan's monthly chat quota (UTC calendar months; premium unlimited). `reserve` takes one
 * chat atomically before a stream starts — so concurrent requests can never exceed the limit — and
 * every reservation ends in exactly one `commit` (the student got the answer), `release`, or the
 * statement that saves the answer. One that is never settled (its process died) expires on its own.
 */
export interface ChatQuota {
  readonly limit: number;
  /**
   * The reservation (its id, and the user's documents version read by the same statement); throws
   * 403 `quota_exceeded` when the user has no chat left this month. With `tokenVersion` (the version
   * the request's token claims) the same statement checks that the token was not revoked, and throws
   * 401 when it was (nothing reserved).
   */
  reserve(userId: string, tokenVersion?: number | null): Promise<ChatReservation>;
  /** Counts the reserved chat. */
  commit(userId: string, reservationId: string): Promise<void>;
  release(userId: string, reservationId: string): Promise<void>;
}

export function createChatQuota(users: UsersRepository, limit: number): ChatQuota {
  return {
    limit,
    async reserve(userId, tokenVersion = null) {
      const reservation = await users.reserveChat(userId, limit, new Date(), tokenVersion);
      if (reservation) return reservation;
      // Refused: say why (only refused requests pay for this read).
      const user = await users.findById(userId);
      if (!user) throw new AppError('unauthorized', 'Your account no longer exists. Please sign up again.');
      if (tokenVersion !== null && user.tokenVersion !== tokenVersion) throw sessionExpired();
      throw new AppError('quota_exceeded', quotaExceededMessage(limit));
    },
    commit: (userId, reservationId) => users.commitChat(userId, reservationId),
    release: (userId, reservationId) => users.releaseChat(userId, reservationId),
  };
}
