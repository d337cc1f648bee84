import type { QueryTerm } from '@classchat/db';

/**
 * A term of the question with how much it tells (its share of the question's idf in the scope
 * searched): what an extractive answer weighs sentences by, so the rare word the question is about
 * counts for more than "data" or "function". Related words the scope holds (another word manuals use
 * for a question word, see related-words.ts) come after the question's own terms, weighing less.
 */
export interface WeightedTerm {
  /** As searched: an English stem (`vector`, `valu`) or a code-like term kept whole (`read.csv`, `--check`). */
  term: string;
  /** The question's words that produced it, as typed ("vectors", "read.csv()"). */
  words: string[];
  /** 0..1; the weights of a question's terms sum to 1. */
  weight: number;
}

/** The question's terms weighted by their share of its idf (terms in the question's order). */
export function weightedTerms(terms: readonly QueryTerm[]): WeightedTerm[] {
  const total = terms.reduce((sum, t) => sum + Math.max(0, t.idf), 0);
  if (total <= 0) return [];
  return terms.map((t) => ({ term: t.term, words: t.words, weight: Math.max(0, t.idf) / total }));
}
