/**
 * Preloaded into the api and rag the stream bench starts (`--import`): once a second it appends one
 * JSON line to `BENCH_MEM_OUT` with the process's RSS, the V8 heap's committed pages, memory outside
 * the heap, and the live heap — the heap used right after each mark-compact of that second, from V8's
 * own per-GC statistics, so no forced GC and no pause is added. A process started without
 * `BENCH_MEM_OUT` is left alone.
 */
import { appendFileSync } from 'node:fs';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import type { MemSample } from './mem-samples.js';

const out = process.env.BENCH_MEM_OUT;
const SAMPLE_MS = 1_000;

if (out) {
  let profiler = new GCProfiler();
  profiler.start();
  const timer = setInterval(() => {
    // A profiler keeps every GC's statistics until it stops: one per second keeps that small.
    const { statistics } = profiler.stop();
    profiler = new GCProfiler();
    profiler.start();
    const afterMarkCompact = statistics
      .filter((s) => s.gcType === 'MarkSweepCompact')
      .map((s) => s.afterGC.heapStatistics.usedHeapSize);
    const heap = getHeapStatistics();
    const { rss, external, arrayBuffers } = process.memoryUsage();
    const sample: MemSample = {
      t: Date.now(),
      rss,
      heapCommitted: heap.total_physical_size,
      heapUsed: heap.used_heap_size,
      external: external + heap.malloced_memory,
      arrayBuffers,
      liveAfterMarkCompact: afterMarkCompact.length ? Math.min(...afterMarkCompact) : null,
      scavenges: statistics.filter((s) => s.gcType === 'Scavenge').length,
      markCompacts: afterMarkCompact.length,
    };
    appendFileSync(out, `${JSON.stringify(sample)}\n`);
  }, SAMPLE_MS);
  timer.unref();
}
