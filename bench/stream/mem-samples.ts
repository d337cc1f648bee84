/** The memory samples `mem-monitor.ts` writes in a service, summed over a role's processes per quarter of a phase. */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

export const MemSample = z.object({
  /** Wall clock, ms. */
  t: z.number(),
  rss: z.number(),
  /** Pages the V8 heap holds (committed and touched). */
  heapCommitted: z.number(),
  heapUsed: z.number(),
  /** Outside the V8 heap: external memory (buffers) plus V8's own malloc. */
  external: z.number(),
  arrayBuffers: z.number(),
  /** The lowest heap used right after a mark-compact in this second, or null if there was none. */
  liveAfterMarkCompact: z.number().nullable(),
  scavenges: z.number(),
  markCompacts: z.number(),
});
export type MemSample = z.infer<typeof MemSample>;

/** Per quarter of a phase, in MB: each a sum over the role's processes. */
export interface MemQuarters {
  /** Lowest live heap after a mark-compact within the quarter (NaN: no mark-compact in it). */
  live: number[];
  /** RSS at the end of the quarter. */
  rss: number[];
  /** V8 heap pages committed at the end of the quarter. */
  heapCommitted: number[];
  markCompacts: number;
}

const MB = 1024 * 1024;

export function readMemSamples(path: string): MemSample[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => MemSample.parse(JSON.parse(line)));
}

function quartersOf(samples: MemSample[], t0: number, t1: number): MemSample[][] {
  const quarters: MemSample[][] = [[], [], [], []];
  const span = t1 - t0;
  for (const s of samples) {
    if (s.t < t0 || s.t > t1) continue;
    quarters[Math.min(3, Math.floor(((s.t - t0) / span) * 4))]!.push(s);
  }
  return quarters;
}

function oneProcess(samples: MemSample[], t0: number, t1: number): MemQuarters {
  const quarters = quartersOf(samples, t0, t1);
  const last = (q: MemSample[], pick: (s: MemSample) => number) => (q.length ? pick(q.at(-1)!) / MB : NaN);
  return {
    live: quarters.map((q) => {
      const lives = q.flatMap((s) => (s.liveAfterMarkCompact === null ? [] : [s.liveAfterMarkCompact]));
      return lives.length ? Math.min(...lives) / MB : NaN;
    }),
    rss: quarters.map((q) => last(q, (s) => s.rss)),
    heapCommitted: quarters.map((q) => last(q, (s) => s.heapCommitted)),
    markCompacts: quarters.flat().reduce((n, s) => n + s.markCompacts, 0),
  };
}

/** The role's quarters between `t0` and `t1` (wall clock, ms), summed over its processes' sample files. */
export function memQuarters(paths: string[], t0: number, t1: number): MemQuarters | null {
  const each = paths.map((p) => oneProcess(readMemSamples(p), t0, t1));
  if (!each.length || each.every((q) => q.rss.every(Number.isNaN))) return null;
  const sum = (pick: (q: MemQuarters) => number[]) =>
    [0, 1, 2, 3].map((i) => each.reduce((total, q) => total + pick(q)[i]!, 0));
  return {
    live: sum((q) => q.live),
    rss: sum((q) => q.rss),
    heapCommitted: sum((q) => q.heapCommitted),
    markCompacts: each.reduce((n, q) => n + q.markCompacts, 0),
  };
}
