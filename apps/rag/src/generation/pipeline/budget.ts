import { AppError } from '@classchat/contracts';
import { estimatePromptTokens } from '../../prompts/prompts.js';
import type { Reservation, TokenBudget } from '../../quota/token-budget.js';
import type { AnswerPlan } from './plan.js';

/** The most an answer can use: its prompt at the route's full context budget, plus its longest output. */
export function estimateAnswerTokens(plan: AnswerPlan): number {
  return (
    estimatePromptTokens({
      route: plan.route,
      query: plan.query,
      history: plan.history,
      contextTokens: plan.cfg.contextTokens,
    }) + plan.cfg.maxOutputTokens
  );
}

/**
 * Reserves the answer's estimate against the tokens-per-minute budget when a model will be called:
 * null when none will (offline, or nothing in scope to answer from). A refusal calls `onRefused`
 * and throws `tpm_exceeded`, which the caller answers with an HTTP status.
 */
export async function reserveBudget(
  budget: Pick<TokenBudget, 'reserve'>,
  plan: AnswerPlan,
  options: { callsModel: boolean; onRefused?: (estimate: number) => void },
): Promise<Reservation | null> {
  if (!options.callsModel || plan.noMaterial) return null;
  const estimate = estimateAnswerTokens(plan);
  const reservation = await budget.reserve(estimate);
  if (reservation) return reservation;
  options.onRefused?.(estimate);
  throw new AppError(
    'tpm_exceeded',
    'The assistant is at its usage limit for this minute. Please try again shortly.',
  );
}
