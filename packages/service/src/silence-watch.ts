/** A watch over a stream of activity (see {@link watchSilence}). */
export interface SilenceWatch {
  /** Something was heard: the wait for silence starts again (also after `onSilent` ran). */
  heard(): void;
  /** Stops watching: `onSilent` is not called any more. */
  stop(): void;
  /** Whether `onSilent` ran. */
  readonly fired: boolean;
}

/**
 * Calls `onSilent` once nothing was heard for `ms`; every `heard()` starts the wait again. The timer is
 * re-armed lazily from the time of the last `heard()`, so hearing something costs a clock read, not a
 * timer: a relayed answer hears something per token. The timer does not keep the process alive.
 */
export function watchSilence(
  ms: number,
  onSilent: () => void,
  now: () => number = () => performance.now(),
): SilenceWatch {
  let lastHeardAt = now();
  let timer: NodeJS.Timeout | undefined;
  let fired = false;
  let stopped = false;
  const arm = (wait: number) => {
    timer = setTimeout(check, wait);
    timer.unref();
  };
  const check = () => {
    timer = undefined;
    const quiet = now() - lastHeardAt;
    if (quiet < ms) return arm(ms - quiet);
    fired = true;
    onSilent();
  };
  arm(ms);
  return {
    heard() {
      if (stopped) return;
      lastHeardAt = now();
      if (!timer) arm(ms);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
    get fired() {
      return fired;
    },
  };
}
