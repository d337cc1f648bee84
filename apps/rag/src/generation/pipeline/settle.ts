import type { TokenUsage } from '@classchat/contracts';
import type { Reservation, TokenBudget } from '../../quota/token-budget.js';

/** How an answer ended, for what it costs and what is observed. */
export type AnswerOutcome = 'completed' | 'failed' | 'cancelled';

export interface SpentTally {
  /** The final usage of a completed answer (the model's, or counted). */
  usage: TokenUsage | null;
  /** The prompt sent to the model (0 when none was). */
  promptTokens: number;
  /** Model tokens written before the answer ended. */
  writtenTokens: number;
}

/**
 * What the budget is charged. Completed: what the model reports. Failed or cancelled: nothing before
 * the first token (the model did no paid work we know of), otherwise the prompt plus what was written.
 */
export function spentTokens(outcome: AnswerOutcome, tally: SpentTally): number {
  if (outcome === 'completed') return tally.usage?.totalTokens ?? 0;
  return tally.writtenTokens === 0 ? 0 : tally.promptTokens + tally.writtenTokens;
}

/**
 * Replaces the reservation with what was spent, without holding up the end of the stream: a failed
 * settle goes to `onError` (the reservation then expires with its window).
 */
export function settleReservation(
  budget: Pick<TokenBudget, 'settle'>,
  reservation: Reservation,
  spent: number,
  onError: (err: unknown) => void,
): void {
  budget.settle(reservation, spent).catch(onError);
}
