/** Percentile (nearest rank) of unsorted samples; NaN when there are none. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(samples: ArrayLike<number>): Summary {
  let max = Number.NaN;
  for (let i = 0; i < samples.length; i++) max = Number.isNaN(max) ? samples[i]! : Math.max(max, samples[i]!);
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    max,
  };
}

/** A number for a table cell: 1 decimal under 100, none above; '–' for NaN. */
export function fmt(value: number, digits?: number): string {
  if (Number.isNaN(value)) return '–';
  const d = digits ?? (Math.abs(value) < 100 ? 1 : 0);
  return value.toFixed(d);
}
