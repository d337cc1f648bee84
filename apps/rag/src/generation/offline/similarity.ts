/** Term vectors and cosine similarity, the one similarity measure of the offline engine. */
export type TermVector = Map<string, number>;

export function vectorOf(terms: readonly string[], idf?: ReadonlyMap<string, number>): TermVector {
  const v: TermVector = new Map();
  for (const t of terms) v.set(t, (v.get(t) ?? 0) + (idf?.get(t) ?? 1));
  return v;
}

export function cosine(a: TermVector, b: TermVector): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [t, x] of a) {
    na += x * x;
    const y = b.get(t);
    if (y !== undefined) dot += x * y;
  }
  for (const y of b.values()) nb += y * y;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** The mean of vectors (a centroid). */
export function centroid(vectors: readonly TermVector[]): TermVector {
  const c: TermVector = new Map();
  for (const v of vectors) for (const [t, x] of v) c.set(t, (c.get(t) ?? 0) + x / vectors.length);
  return c;
}

/**
 * Maximal marginal relevance: picks up to `k` items, each time the one with the best
 * `lambda * relevance - (1 - lambda) * (highest similarity to an item already picked)`. Items whose
 * similarity to a picked one reaches `duplicateAt` are never picked (the same sentence from two
 * overlapping chunks, or a near copy). `relevance` should be on a 0..1 scale.
 */
export function mmr<T>(
  items: readonly T[],
  options: {
    k: number;
    relevance: (item: T) => number;
    similarity: (a: T, b: T) => number;
    lambda?: number;
    duplicateAt?: number;
  },
): T[] {
  const lambda = options.lambda ?? 0.7;
  const duplicateAt = options.duplicateAt ?? 0.8;
  const left = [...items];
  const picked: T[] = [];
  while (picked.length < options.k && left.length > 0) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < left.length; i++) {
      const item = left[i]!;
      const redundancy = picked.reduce((m, p) => Math.max(m, options.similarity(item, p)), 0);
      if (redundancy >= duplicateAt) continue;
      const value = lambda * options.relevance(item) - (1 - lambda) * redundancy;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    if (best === -1) break;
    picked.push(left.splice(best, 1)[0]!);
  }
  return picked;
}
