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
  try {
    for (;;) {
      pending ??= it.next();
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<typeof TICK>((resolve) => {
        timer = setTimeout(() => resolve(TICK), intervalMs);
      });
      let winner: IteratorResult<T> | typeof TICK;
      try {
        winner = await Promise.race([pending, tick]);
      } catch (err) {
        // The source failed: it is finished, nothing to abandon.
        finished = true;
        throw err;
      } finally {
        clearTimeout(timer);
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
