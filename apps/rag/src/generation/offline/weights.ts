import type { WeightedTerm } from '../../retrieval/terms.js';
import { termsOf } from './terms.js';

/**
 * How much each term of the question counts. Retrieval knows this best (each term's idf over the
 * whole scope searched); without its terms (a follow-up, a spread) the offline engine weighs terms
 * by their inverse document frequency over the candidate sentences. Either way the engine only sees
 * this interface.
 */
export interface QueryWeights {
  /** The question's distinct content terms (as `termsOf` makes them). */
  readonly terms: readonly string[];
  /** The weight of a term (0 for a term not in the question). */
  weight(term: string): number;
}

/** Weights from a term → weight map. */
export function weightsFrom(map: ReadonlyMap<string, number>): QueryWeights {
  return { terms: [...map.keys()], weight: (t) => map.get(t) ?? 0 };
}

/** The weights without some terms; the same weights when nothing else would be left. */
export function withoutTerms(weights: QueryWeights, drop: readonly string[]): QueryWeights {
  const left = weights.terms.filter((t) => !drop.includes(t));
  if (left.length === weights.terms.length || left.length === 0) return weights;
  return { terms: left, weight: (t) => (drop.includes(t) ? 0 : weights.weight(t)) };
}

/**
 * Retrieval's weighted terms (shares of the question's idf, summing to 1) as the engine's terms,
 * scaled so that the average term weighs 1 as an idf weight would; the words a term came from are
 * read again the engine's way. null when they give no term (nothing searched, or only stop words).
 */
export function retrievalWeights(terms: readonly WeightedTerm[]): QueryWeights | null {
  const map = new Map<string, number>();
  for (const t of terms) {
    const weight = t.weight * terms.length;
    for (const term of termsOf(t.words.length > 0 ? t.words.join(' ') : t.term)) {
      map.set(term, Math.max(map.get(term) ?? 0, weight));
    }
  }
  return map.size > 0 ? weightsFrom(map) : null;
}

/**
 * BM25-style IDF of the question's terms over `documents` (each a set of terms), floored so a term
 * found everywhere still counts a little, and doubled for code-like terms (`read.csv`), which are
 * what a technical question is about.
 */
export function idfWeights(query: string, documents: readonly ReadonlySet<string>[]): QueryWeights {
  const terms = [...new Set(termsOf(query))];
  const n = documents.length;
  const map = new Map<string, number>();
  for (const t of terms) {
    const df = documents.reduce((c, d) => c + (d.has(t) ? 1 : 0), 0);
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    map.set(t, Math.max(0.2, idf) * (/[._]/.test(t) ? 2 : 1));
  }
  return weightsFrom(map);
}

/** IDF of every term over `documents`, for centrality scoring. */
export function corpusIdf(documents: readonly ReadonlySet<string>[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const d of documents) for (const t of d) df.set(t, (df.get(t) ?? 0) + 1);
  const n = documents.length;
  const idf = new Map<string, number>();
  for (const [t, c] of df) idf.set(t, Math.log(1 + n / c));
  return idf;
}
