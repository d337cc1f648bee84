import type { Sentence } from './model.js';
import { sentenceKey } from './model.js';
import { definitionOf } from './patterns.js';
import { quotable } from './select.js';
import { termsOf } from './terms.js';
import { centroid, cosine, mmr, vectorOf, type TermVector } from './similarity.js';

/**
 * Centroid scoring (Radev et al.): a sentence is central to a set of sentences when its TF-IDF vector
 * is close to their mean vector. Used to pick the sentences that best stand for a section (summary)
 * or for the whole material (study guide key points).
 */

/** A sentence a summary can stand on: whole, prose, a reasonable length. */
export function summarizable(s: Sentence): boolean {
  return quotable(s) && s.words >= 6 && s.words <= 55 && !/^(?:see|figure|table|fig\.)\b/i.test(s.text);
}

export interface Central {
  sentence: Sentence;
  score: number;
}

/** The sentences of `pool` by centrality, best first (duplicates of overlapping chunks merged). */
export function centralSentences(
  pool: readonly Sentence[],
  idf: ReadonlyMap<string, number>,
  options: {
    k: number;
    exclude?: ((s: Sentence) => boolean) | undefined;
    /** Terms of the part's title: a sentence that defines or names them says what the part is about. */
    about?: ReadonlySet<string> | undefined;
  },
): Central[] {
  const seen = new Set<string>();
  const candidates = pool.filter((s) => {
    if (!summarizable(s) || options.exclude?.(s)) return false;
    const key = sentenceKey(s);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (candidates.length === 0) return [];
  const vectors = new Map<number, TermVector>(candidates.map((s) => [s.id, vectorOf(s.terms, idf)]));
  const center = centroid([...vectors.values()]);
  const scored = candidates.map((s) => {
    // Early sentences of a paragraph tend to say what it is about; a definition even more so. Long
    // sentences and symbol-heavy ones (signatures, paths, formulas) read badly in an overview.
    let score = cosine(vectors.get(s.id)!, center) + 0.05 / (1 + s.indexInParagraph);
    const definition = definitionOf(s.text);
    if (definition) score += 0.08;
    if (options.about && options.about.size > 0) {
      if (definition && termsOf(definition.term).some((t) => options.about!.has(t))) score += 0.3;
      else if (s.terms.some((t) => options.about!.has(t))) score += 0.05;
    }
    // A sentence that ends on a colon announces an example an overview does not show.
    if (/:$/.test(s.text)) score *= 0.6;
    if (s.words > 35) score *= 35 / s.words;
    const letters = (s.text.match(/[\p{L}\s]/gu) ?? []).length / s.text.length;
    if (letters < 0.85) score *= Math.max(0.3, letters - 0.1);
    if (s.segments.some((g) => g.code)) score *= 0.7;
    return { sentence: s, score };
  });
  const best = Math.max(...scored.map((c) => c.score), 1e-9);
  return mmr(scored, {
    k: options.k,
    relevance: (c) => c.score / best,
    similarity: (a, b) => cosine(vectors.get(a.sentence.id)!, vectors.get(b.sentence.id)!),
    lambda: 0.7,
  });
}
