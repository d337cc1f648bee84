import type { ChunkHit, FullTextHit } from '@classchat/db';

/**
 * The relevance floor: the material "does not seem to cover" a question when no full-text hit holds
 * at least this share of the question's term weight (idf in the scope). A term the scope never
 * uses weighs the most, so an off-topic question ("the capital of Australia") falls below it while
 * a question phrased in the material's words stays above. Calibrated on the grounding benchmark's
 * answerable and unanswerable questions (bench/RESULTS.md).
 */
export const RELEVANCE_FLOOR = 0.5;

/**
 * The best share of the question's term weight that one hit holds (0 without hits), listings left
 * out: a table of contents, an index or a bibliography names a topic without covering it.
 */
export function bestTermMatch(hits: readonly Pick<FullTextHit, 'termMatch' | 'listing'>[]): number {
  return hits.reduce((best, h) => (h.listing ? best : Math.max(best, h.termMatch)), 0);
}

/** Whether some hit answers the question well enough to be given as its context. */
export function aboveFloor(termMatch: number, floor: number = RELEVANCE_FLOOR): boolean {
  return termMatch >= floor;
}

/** Where a hit sits: its document and innermost section (or its pages when sections are unknown). */
const sectionKey = (h: ChunkHit) =>
  h.sectionPath.length > 0
    ? `${h.documentId}|${h.sectionPath.join('\u0000')}`
    : `${h.documentId}|p${h.pageStart}`;

/**
 * The closest sections to point a student to when the material does not cover the question: the
 * best hit of each distinct section, best first, at most `max`.
 */
export function closestSections<H extends ChunkHit>(hits: readonly H[], max = 3): H[] {
  const seen = new Set<string>();
  const out: H[] = [];
  for (const h of hits) {
    const key = sectionKey(h);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(h);
    if (out.length >= max) break;
  }
  return out.map((h, i) => ({ ...h, rank: i + 1 }));
}
