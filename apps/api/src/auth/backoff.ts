/** The first wait after the free attempts; each further attempt doubles it. */
export const LOGIN_BACKOFF_BASE_MS = 1000;

/**
 * How long attempt number `attempt` of a window (1-based, counting every failed attempt since
 * `windowStartMs`) must still wait. The first `limit` attempts go at once; after them, attempt
 * `limit + k` opens `baseDelayMs · 2^(k-1)` after the window's first failure — 1 s, 2 s, 4 s, 8 s… —
 * so a window of 15 minutes allows about `limit + 10` guesses, while someone who mistyped a few
 * times more than allowed waits seconds, not the whole window.
 */
export function backoffWaitMs(input: {
  attempt: number;
  limit: number;
  windowStartMs: number;
  nowMs: number;
  baseDelayMs: number;
}): number {
  const extra = input.attempt - input.limit;
  if (extra <= 0) return 0;
  // Past 2^40 the wait is longer than any window anyway; keep the arithmetic finite.
  const opensAt = input.windowStartMs + input.baseDelayMs * 2 ** Math.min(extra - 1, 40);
  return Math.max(0, opensAt - input.nowMs);
}
