/**
 * Preloaded (`--import`) into every process of a stream bench run with `--loops`: api, rag, the fake
 * upstream, the database and the load generator. It writes to `BENCH_LOOP_OUT`, one JSON line each:
 *
 *   - a stall: the main thread's timer ran `STALL_MS` or more late. Its span in epoch ms, and from the
 *     kernel's schedstat of the main thread the time it ran on a core and the time it waited for one —
 *     with the GC entries below, a stall splits into GC, other work on the loop (JavaScript, syscalls),
 *     and no core to run on;
 *   - every GC pause (perf_hooks `gc` entries, delivered after the pause: laid over stalls later);
 *   - once a second: the event-loop delay's p99 and max (`monitorEventLoopDelay`), GC time, and the
 *     same run / wait split of the second.
 *
 * Clocks are epoch ms (`performance.timeOrigin + performance.now()`), as the load generator's token
 * samples, so stalls can be laid over tokens. A process started without `BENCH_LOOP_OUT` is left alone.
 */
import { appendFileSync, openSync, readSync } from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';

const out = process.env.BENCH_LOOP_OUT;
const TICK_MS = 5;
/** A tick this much later than due is a stall (the loop delay p99 of a quiet process is a few ms). */
const STALL_MS = 15;

const epoch = () => performance.timeOrigin + performance.now();

/** The main thread's time on a core and waiting for one, ns (`/proc/<pid>/task/<pid>/schedstat`). */
function schedReader(): () => { run: number; wait: number } {
  const fd = openSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'r');
  const buf = Buffer.alloc(128);
  return () => {
    const n = readSync(fd, buf, 0, buf.length, 0);
    const [run, wait] = buf.toString('latin1', 0, n).split(' ');
    return { run: Number(run), wait: Number(wait) };
  };
}

if (out) {
  const sched = schedReader();
  // The monotonic clock of CPU profiles (µs) against epoch ms, to lay profile samples over stalls.
  const lines: string[] = [
    JSON.stringify({ kind: 'clock', monoMs: Number(process.hrtime.bigint()) / 1e6, epoch: epoch() }),
  ];
  let gcMsThisSecond = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const start = performance.timeOrigin + e.startTime;
      gcMsThisSecond += e.duration;
      lines.push(JSON.stringify({ kind: 'gc', t0: start, ms: e.duration }));
    }
  }).observe({ entryTypes: ['gc'] });

  let last = epoch();
  let lastSched = sched();
  const tick = setInterval(() => {
    const now = epoch();
    const s = sched();
    if (now - last - TICK_MS >= STALL_MS) {
      lines.push(
        JSON.stringify({
          kind: 'stall',
          t0: last,
          t1: now,
          runMs: (s.run - lastSched.run) / 1e6,
          waitMs: (s.wait - lastSched.wait) / 1e6,
        }),
      );
    }
    last = now;
    lastSched = s;
  }, TICK_MS);
  tick.unref();

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let secondSched = sched();
  const second = setInterval(() => {
    const s = sched();
    lines.push(
      JSON.stringify({
        kind: 'second',
        t: epoch(),
        delayP99Ms: delay.percentile(99) / 1e6,
        delayMaxMs: delay.max / 1e6,
        gcMs: gcMsThisSecond,
        runMs: (s.run - secondSched.run) / 1e6,
        waitMs: (s.wait - secondSched.wait) / 1e6,
      }),
    );
    delay.reset();
    gcMsThisSecond = 0;
    secondSched = s;
    appendFileSync(out, lines.length ? `${lines.join('\n')}\n` : '');
    lines.length = 0;
  }, 1_000);
  second.unref();
}
