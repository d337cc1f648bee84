/** The constant of reciprocal rank fusion (Cormack et al.): score = Σ 1 / (RRF_K + rank). */
export const RRF_K = 60;

export interface Ranked {
  chunkId: string;
  /** 1-based position in its own list. */
  rank: number;
  /** Where the chunk sits, when known: ties are broken by place, which re-ingesting keeps. */
  documentId?: string;
  chunkIndex?: number;
}

const compareText = (a = '', b = ''): number => (a < b ? -1 : a > b ? 1 : 0);

/** Document, then position in it, then chunk id (random per ingestion, so last). */
const byPlace = (a: Ranked, b: Ranked): number =>
  compareText(a.documentId, b.documentId) ||
  (a.chunkIndex ?? 0) - (b.chunkIndex ?? 0) ||
  compareText(a.chunkId, b.chunkId);

/**
 * Reciprocal rank fusion of ranked lists (e.g. full-text and vector hits). Each chunk's fused score
 * is the sum over the lists holding it of `weight / (k + rank)` (`weights[i]` of list i, default 1);
 * ties go to the better best rank, then to the earlier list, then to the chunk's place (document,
 * index), so the same material ranks the same after it is ingested again. Returns the top
 * `limit` with `score` (fused) and `rank` (1-based fused position); the item kept is the one from
 * the first list that has the chunk.
 */
export function reciprocalRankFusion<T extends Ranked>(
  lists: readonly (readonly T[])[],
  options: { limit: number; k?: number; weights?: readonly number[] },
): Array<T & { score: number; rank: number }> {
  const k = options.k ?? RRF_K;
  const fused = new Map<string, { item: T; score: number; bestRank: number; firstList: number }>();
  lists.forEach((list, listIndex) => {
    const weight = options.weights?.[listIndex] ?? 1;
    for (const item of list) {
      const entry = fused.get(item.chunkId);
      const add = weight / (k + item.rank);
      if (entry) {
        entry.score += add;
        entry.bestRank = Math.min(entry.bestRank, item.rank);
      } else {
        fused.set(item.chunkId, { item, score: add, bestRank: item.rank, firstList: listIndex });
      }
    }
  });
  return [...fused.values()]
    .sort(
      (a, b) =>
        b.score - a.score || a.bestRank - b.bestRank || a.firstList - b.firstList || byPlace(a.item, b.item),
    )
    .slice(0, Math.max(0, options.limit))
    .map((e, i) => ({ ...e.item, score: e.score, rank: i + 1 }));
}
