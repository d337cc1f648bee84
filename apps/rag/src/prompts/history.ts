import { countTokens, MESSAGE_OVERHEAD_TOKENS, type PromptMessage } from './tokens.js';

export interface HistoryTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** History turns as they go into a prompt, with the tokens they cost there. */
export interface TrimmedHistory {
  messages: PromptMessage[];
  /** Content plus per-message overhead of `messages`, each counted once. */
  tokens: number;
}

/**
 * The newest turns of `history` that fit in `budgetTokens` (content plus per-message overhead), in
 * their original order. Older turns are dropped whole; when even the newest turn is too long, its
 * end is kept. A trailing user turn equal to `currentQuery` (some callers include the question
 * being asked) is dropped, since the question is sent separately.
 */
export function trimHistory(
  history: readonly HistoryTurn[],
  budgetTokens: number,
  currentQuery?: string,
): PromptMessage[] {
  return trimHistoryCounted(history, budgetTokens, currentQuery).messages;
}

/** {@link trimHistory}, with the tokens of what it kept (so a prompt's count need not tokenise it again). */
export function trimHistoryCounted(
  history: readonly HistoryTurn[],
  budgetTokens: number,
  currentQuery?: string,
): TrimmedHistory {
  const turns = history.filter((t) => t.content.trim() !== '');
  const last = turns[turns.length - 1];
  if (
    last &&
    currentQuery !== undefined &&
    last.role === 'user' &&
    last.content.trim() === currentQuery.trim()
  ) {
    turns.pop();
  }
  const kept: PromptMessage[] = [];
  let left = budgetTokens;
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i]!;
    const cost = MESSAGE_OVERHEAD_TOKENS + countTokens(turn.content);
    if (cost <= left) {
      kept.push({ role: turn.role, content: turn.content });
      left -= cost;
      continue;
    }
    if (kept.length === 0 && left > MESSAGE_OVERHEAD_TOKENS + 16) {
      const content = tail(turn.content, left - MESSAGE_OVERHEAD_TOKENS);
      kept.push({ role: turn.role, content });
      return { messages: kept, tokens: MESSAGE_OVERHEAD_TOKENS + countTokens(content) };
    }
    break;
  }
  return { messages: kept.reverse(), tokens: budgetTokens - left };
}

/** The end of `text` within `tokens` tokens, starting at a word, prefixed with an ellipsis. */
function tail(text: string, tokens: number): string {
  let lo = 0;
  let hi = text.length;
  // Smallest start index whose tail fits (token counts shrink as the start moves right).
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (countTokens(`…${text.slice(mid)}`) <= tokens) hi = mid;
    else lo = mid + 1;
  }
  const space = text.indexOf(' ', lo);
  const start = space !== -1 && space - lo < 40 ? space + 1 : lo;
  return `…${text.slice(start)}`;
}
