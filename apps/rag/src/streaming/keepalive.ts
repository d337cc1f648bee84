const TICK = Symbol('tick');

/**
 * Passes `source` through and inserts `keepalive()` after every `intervalMs` without an item
 * (retrieval, a slow first token, a stalled model). When the consumer stops early while `source` is
 * still working on its next item, `onAbandon` is called (e.g. to abort the work) and `source` is
 * closed once that item settles.
 */
export async function* withKeepalive<T>(
  source: AsyncIterable<T>,
  intervalMs: number,
  keepalive: () => T,
  onAbandon?: () => void,
): AsyncGenerator<T, void, undefined> {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | null = null;
  let finished = false;
  // One timer for the whole stream, re-armed per item (cheaper than a timer per item).
  let wake: ((tick: typeof TICK) => void) | null = null;
  const timer = setTimeout(() => wake?.(TICK), intervalMs);
  try {
    for (;;) {
      const next = (pending ??= it.next());
      timer.refresh();
      let winner: IteratorResult<T> | typeof TICK;
      try {
        winner = await new Promise<IteratorResult<T> | typeof TICK>((resolve, reject) => {
          wake = resolve;
          next.then(resolve, reject);
        });
      } catch (err) {
        // The source failed: it is finished, nothing to abandon.
        finished = true;
        throw err;
      } finally {
        wake = null;
      }
      if (winner === TICK) {
        yield keepalive();
        continue;
      }
      pending = null;
      if (winner.done) {
        finished = true;
        return;
      }
      yield winner.value;
    }
  } finally {
    clearTimeout(timer);
    if (!finished) {
      if (pending) {
        onAbandon?.();
        // `return()` is queued behind the running `next()`; don't make the consumer wait for it.
        pending.catch(() => undefined);
        void it.return?.().catch(() => undefined);
      } else {
        await it.return?.();
      }
    }
  }
}
