import { performance } from 'node:perf_hooks';

/**
 * When each step before a stream's first token ended, in ms since the request arrived: logged once
 * per answer with its first token, so the time to first token can be read step by step.
 */
export interface Stages {
  /** Notes that `name` ended now (a later mark of the same name replaces it). */
  mark(name: string): void;
  /** The marks so far, in the order they were first made (ms, one decimal). */
  toJSON(): Record<string, number>;
}

export function stageClock(
  startedAt: number = performance.now(),
  now: () => number = () => performance.now(),
): Stages {
  const marks: Record<string, number> = {};
  return {
    mark(name) {
      marks[name] = Math.round((now() - startedAt) * 10) / 10;
    },
    toJSON: () => ({ ...marks }),
  };
}
