/**
 * Where the tail of relay lag comes from (`compare.ts --loops`): every delivered token's span, from
 * the upstream's write to the client's receipt, laid over each process's event-loop stalls
 * (`loop-monitor.ts`). A stall of a process during a token's span may have held the token (if the
 * token was in that process then) or not; the upstream wrote the token before its span starts, so
 * its stalls are the control for coincidence: on a 2-core machine all processes stall together when
 * the cores are busy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fmt, percentile } from './stats.js';

interface Stall {
  t0: number;
  t1: number;
  /** Of the stall: in GC, waiting for a core, and running other work (ms). */
  gcMs: number;
  waitMs: number;
  runMs: number;
}

interface LoopLog {
  stalls: Stall[];
  gcs: Array<{ t0: number; ms: number }>;
  seconds: Array<{
    t: number;
    delayP99Ms: number;
    delayMaxMs: number;
    gcMs: number;
    runMs: number;
    waitMs: number;
  }>;
}

const TAIL_MS = 100;
/** A stall overlapping a token's span by this much counts as coinciding with it. */
const COINCIDE_MS = 20;
/** Other work on the machine (not this run's processes) that counts as load, in cores. */
const FOREIGN_CORES = 0.2;

function readLoopLog(path: string, from: number, to: number): LoopLog {
  const log: LoopLog = { stalls: [], gcs: [], seconds: [] };
  if (!existsSync(path)) return log;
  const raw: Array<Omit<Stall, 'gcMs'>> = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as { kind: string; t0: number; t1: number; t: number; ms: number };
    if (e.kind === 'stall' && e.t1 >= from && e.t0 <= to) raw.push(e as unknown as Stall);
    if (e.kind === 'gc' && e.t0 >= from - 1_000 && e.t0 <= to) log.gcs.push(e);
    if (e.kind === 'second' && e.t >= from && e.t <= to + 1_000)
      log.seconds.push(e as unknown as LoopLog['seconds'][number]);
  }
  raw.sort((a, b) => a.t0 - b.t0);
  log.gcs.sort((a, b) => a.t0 - b.t0);
  for (const s of raw) {
    const gcMs = log.gcs.reduce(
      (ms, g) => ms + Math.max(0, Math.min(g.t0 + g.ms, s.t1) - Math.max(g.t0, s.t0)),
      0,
    );
    const span = s.t1 - s.t0;
    const waitMs = Math.min(s.waitMs, span - gcMs);
    log.stalls.push({ t0: s.t0, t1: s.t1, gcMs, waitMs, runMs: Math.max(0, span - gcMs - waitMs) });
  }
  return log;
}

/** The stalls overlapping [w, a], with the overlap (stalls of one process never overlap each other). */
function overlapping(stalls: Stall[], w: number, a: number): Array<{ s: Stall; ms: number }> {
  let lo = 0;
  let hi = stalls.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stalls[mid]!.t1 < w) lo = mid + 1;
    else hi = mid;
  }
  const out: Array<{ s: Stall; ms: number }> = [];
  for (let i = lo; i < stalls.length && stalls[i]!.t0 <= a; i++) {
    const s = stalls[i]!;
    out.push({ s, ms: Math.max(0, Math.min(s.t1, a) - Math.max(s.t0, w)) });
  }
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const pct = (n: number, of: number) => `${fmt((n / Math.max(1, of)) * 100, 0)} %`;

function processRow(name: string, log: LoopLog, wallS: number): string {
  const lens = log.stalls.map((s) => s.t1 - s.t0);
  const total = lens.reduce((a, b) => a + b, 0);
  const split = (pick: (s: Stall) => number) =>
    pct(
      log.stalls.reduce((a, s) => a + pick(s), 0),
      total,
    );
  const gcTotal = log.gcs.reduce((a, g) => a + g.ms, 0);
  const gcMax = log.gcs.reduce((a, g) => Math.max(a, g.ms), 0);
  const sec = log.seconds;
  return (
    `| ${name} | ${fmt(mean(sec.map((s) => s.delayP99Ms)))} / ${fmt(Math.max(0, ...sec.map((s) => s.delayMaxMs)))} | ` +
    `${log.stalls.length} / ${fmt(total / wallS, 0)} / ${fmt(percentile(lens, 99))} / ${fmt(Math.max(0, ...lens))} | ` +
    `${split((s) => s.gcMs)} / ${split((s) => s.waitMs)} / ${split((s) => s.runMs)} | ` +
    `${fmt(gcTotal / wallS, 0)} / ${fmt(gcMax)} | ${fmt(mean(sec.map((s) => s.runMs)), 0)} / ${fmt(mean(sec.map((s) => s.waitMs)), 0)} |`
  );
}

interface TailTally {
  /** Per process: tokens (all / tail) coinciding with a stall; tail tokens where it has the largest
   * overlap; the tail's overlap by cause (ms). */
  hit: Array<{ all: number; tail: number; largest: number; gc: number; wait: number; run: number }>;
  /** Per process: every token's lag with that process's stall overlap taken out. */
  without: Float64Array[];
  tail: number;
  /** Tail tokens that no process's stalls overlap by `COINCIDE_MS`. */
  noneLargest: number;
  /** Tokens (tail / all) by their place in the answer: the first, the next 9, the rest. */
  byPlace: number[];
  allByPlace: number[];
}

/** Lays every token's span over each process's stalls and counts what the tail coincides with. */
function tallyTail(ep: Float64Array, lags: Float64Array, logs: LoopLog[]): TailTally {
  const n = lags.length;
  const t: TailTally = {
    hit: logs.map(() => ({ all: 0, tail: 0, largest: 0, gc: 0, wait: 0, run: 0 })),
    without: logs.map(() => new Float64Array(n)),
    tail: 0,
    noneLargest: 0,
    byPlace: [0, 0, 0],
    allByPlace: [0, 0, 0],
  };
  for (let i = 0; i < n; i++) {
    const w = ep[3 * i]!;
    const a = ep[3 * i + 1]!;
    const isTail = lags[i]! > TAIL_MS;
    const index = ep[3 * i + 2]!;
    const place = index === 0 ? 0 : index < 10 ? 1 : 2;
    t.allByPlace[place]!++;
    if (isTail) {
      t.tail++;
      t.byPlace[place]!++;
    }
    let best = -1;
    let bestMs = COINCIDE_MS;
    logs.forEach((log, k) => {
      const over = overlapping(log.stalls, w, a);
      const ms = over.reduce((x, o) => x + o.ms, 0);
      t.without[k]![i] = lags[i]! - ms;
      const h = t.hit[k]!;
      if (ms >= COINCIDE_MS) {
        h.all++;
        if (isTail) h.tail++;
      }
      if (!isTail) return;
      for (const o of over) {
        const span = o.s.t1 - o.s.t0;
        h.gc += (o.ms * o.s.gcMs) / span;
        h.wait += (o.ms * o.s.waitMs) / span;
        h.run += (o.ms * o.s.runMs) / span;
      }
      if (ms >= bestMs) {
        best = k;
        bestMs = ms;
      }
    });
    if (isTail) {
      if (best >= 0) t.hit[best]!.largest++;
      else t.noneLargest++;
    }
  }
  return t;
}

/** Markdown: per process, its loop's stalls; per process, how the tail's tokens coincide with them. */
export function lagAttribution(tokenLog: string, loopLogs: Record<string, string>, streams: number): string {
  const { ep, n, from, to } = readTokens(tokenLog);
  const lags = new Float64Array(n);
  for (let i = 0; i < n; i++) lags[i] = ep[3 * i + 1]! - ep[3 * i]!;
  const wallS = (to - from) / 1000;
  const names = Object.keys(loopLogs);
  const logs = names.map((name) => readLoopLog(loopLogs[name]!, from, to));
  const p99 = percentile(lags, 99);
  const { hit, without, tail, noneLargest, byPlace, allByPlace } = tallyTail(ep, lags, logs);
  const tailRows = names.map((name, k) => {
    const h = hit[k]!;
    const perTail = (ms: number) => fmt(ms / Math.max(1, tail), 1);
    return (
      `| ${name} | ${pct(h.all, n)} / ${pct(h.tail, tail)} | ${pct(h.largest, tail)} | ` +
      `${perTail(h.gc)} / ${perTail(h.wait)} / ${perTail(h.run)} | ${fmt(percentile(without[k]!, 99), 1)} |`
    );
  });
  return `
Relay lag laid over every process's event-loop stalls (\`--loops\`), ${streams} streams: ${n} tokens over ${fmt(wallS, 0)} s,
lag p99 ${fmt(p99, 1)} ms, ${tail} tokens (${pct(tail, n)}) over ${TAIL_MS} ms. A stall = the process's ${5} ms timer ran ≥ 15 ms late; its
time splits into GC (perf_hooks), waiting for a core (the main thread's schedstat) and the rest (running work on the loop).

| process | loop delay p99 (mean of seconds) / max ms | stalls: n / ms per s / p99 / max ms | stall time: GC / core wait / running | GC ms per s / longest GC ms | main thread ms per s: running / waiting for a core |
| --- | --- | --- | --- | --- | --- |
${names.map((name, k) => processRow(name, logs[k]!, wallS)).join('\n')}

| process | tokens whose span has ≥ ${COINCIDE_MS} ms of its stalls: all / lag > ${TAIL_MS} ms | lag > ${TAIL_MS} ms: its stall overlap the largest | per tail token, its stall overlap by cause ms: GC / core wait / running | lag p99 with its stall overlap taken out ms |
| --- | --- | --- | --- | --- |
${tailRows.join('\n')}
| (none ≥ ${COINCIDE_MS} ms) | | ${pct(noneLargest, tail)} | | |

Tokens over ${TAIL_MS} ms by their place in the answer: the first ${byPlace[0]} of ${allByPlace[0]} (${pct(byPlace[0]!, allByPlace[0]!)}), the 2nd–10th ${byPlace[1]} of ${allByPlace[1]} (${pct(byPlace[1]!, allByPlace[1]!)}), later ones ${byPlace[2]} of ${allByPlace[2]} (${pct(byPlace[2]!, allByPlace[2]!)}).
`;
}

/** Per token (the load generator's `tokenLogPath`): upstream write, receipt (epoch ms), index in its answer. */
function readTokens(path: string) {
  const buf = readFileSync(path);
  const ep = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  const n = ep.length / 3;
  let from = Infinity;
  let to = -Infinity;
  for (let i = 0; i < n; i++) {
    from = Math.min(from, ep[3 * i]!);
    to = Math.max(to, ep[3 * i + 1]!);
  }
  return { ep, n, from, to };
}

/**
 * The machine is shared: how many cores were busy with work that is not this run's (phase.ts's
 * machine log), and relay lag p99 of the tokens received in seconds with and without such work.
 */
export function otherWork(tokenLog: string, machineLog: string): string {
  if (!existsSync(tokenLog) || !existsSync(machineLog)) return '';
  const { ep, from, to } = readTokens(tokenLog);
  const path = machineLog;
  const seconds = readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { t: number; busyCores: number; oursCores: number })
    .filter((s) => s.t >= from && s.t <= to + 1_000);
  const other = (s: { busyCores: number; oursCores: number }) => Math.max(0, s.busyCores - s.oursCores);
  const busy = (t: number) => {
    // The sample that ends at or after t covers it (samples are a second apart).
    let lo = 0;
    let hi = seconds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seconds[mid]!.t < t) lo = mid + 1;
      else hi = mid;
    }
    return seconds[lo];
  };
  const quiet: number[] = [];
  const loaded: number[] = [];
  for (let i = 0; i < ep.length / 3; i++) {
    const s = busy(ep[3 * i + 1]!);
    if (s) (other(s) >= FOREIGN_CORES ? loaded : quiet).push(ep[3 * i + 1]! - ep[3 * i]!);
  }
  return (
    `\nThe machine over the tier: ${fmt(mean(seconds.map((s) => s.busyCores)), 2)} cores busy on average, ` +
    `${fmt(mean(seconds.map((s) => s.oursCores)), 2)} of them this run's processes; other work ≥ ${FOREIGN_CORES} cores in ` +
    `${seconds.filter((s) => other(s) >= FOREIGN_CORES).length} of ${seconds.length} seconds. Lag p99 of the tokens received in those seconds ` +
    `${fmt(percentile(loaded, 99), 1)} ms (${loaded.length}), in the others ${fmt(percentile(quiet, 99), 1)} ms (${quiet.length}).\n`
  );
}
