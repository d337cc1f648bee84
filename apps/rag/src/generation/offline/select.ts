import { paragraphOf, sentenceKey, type Corpus, type Sentence } from './model.js';
import {
  definitionOf,
  EXAMPLE_CUE,
  HOW_CUE,
  LEANS_BACK,
  questionFocus,
  questionKind,
  WHY_CUE,
  type QuestionKind,
} from './patterns.js';
import { cosine, mmr, vectorOf, type TermVector } from './similarity.js';
import { termsOf } from './terms.js';
import type { QueryWeights } from './weights.js';

/**
 * Choosing the sentences that answer a question: each sentence of the candidate passages is scored
 * against the question, then the best few are chosen with a redundancy penalty (MMR). Pure.
 */

export interface ScoredSentence {
  sentence: Sentence;
  /** 0..1 after normalisation by the best candidate. */
  score: number;
  role: Role;
}

/** Openings of a sentence that goes on with the one before it: what it says next is about that one. */
const GOES_ON = new RegExp(
  `${LEANS_BACK.source}|^the (?:purpose|reason|point|idea|goal|result|effect) of (?:this|that|it)\\b`,
  'i',
);

/** Where a sentence goes in a reader's order: what it is, how to do it, an example. */
export type Role = 'definition' | 'how' | 'example';

export interface SelectOptions {
  /** Sentences to choose at most. */
  max: number;
  /** Sentences whose passage span was shown before (a retry): left out. */
  exclude?: (s: Sentence) => boolean;
}

/** Whether a sentence can stand as a quote at all (not a fragment, not too short, has words). */
export function quotable(s: Sentence): boolean {
  if (s.fragment || s.words < 4 || s.text.length > 600) return false;
  const letters = (s.text.match(/\p{L}/gu) ?? []).length;
  return letters / s.text.length > 0.5 && s.terms.length >= 2;
}

/**
 * A sentence's place in a reader's order. It is the definition only when it defines what the question
 * asks about (`focus` terms; any defined term when there is no focus).
 */
export function roleOf(s: Sentence, focus: ReadonlySet<string> | null = null): Role {
  const definition = definitionOf(s.text);
  if (definition && (!focus || termsOf(definition.term).some((t) => focus.has(t)))) return 'definition';
  if (s.code && EXAMPLE_CUE.test(s.text)) return 'example';
  if (/^(?:for example|for instance|e\.g\.)/i.test(s.text)) return 'example';
  return 'how';
}

/** The terms of what a "what is…" question asks about, or null. */
export function focusTerms(question: string): Set<string> | null {
  const focus = questionFocus(question);
  const terms = focus ? termsOf(focus) : [];
  return terms.length > 0 ? new Set(terms) : null;
}

/** The raw relevance of each sentence to the question (0 = shares nothing with it). */
export function scoreSentences(
  corpus: Corpus,
  question: string,
  weights: QueryWeights,
): Array<{ sentence: Sentence; raw: number }> {
  const kind = questionKind(question);
  const focus = focusTerms(question);
  const total = weights.terms.reduce((s, t) => s + weights.weight(t), 0);
  if (total === 0) return [];
  const seen = new Set<string>();
  const out: Array<{ sentence: Sentence; raw: number }> = [];
  for (const s of corpus.sentences) {
    if (!quotable(s)) continue;
    const key = sentenceKey(s);
    if (seen.has(key)) continue;
    seen.add(key);
    const raw = relevance(s, kind, weights, total, focus);
    if (raw > 0) out.push({ sentence: s, raw });
  }
  return out;
}

function relevance(
  s: Sentence,
  kind: QuestionKind,
  weights: QueryWeights,
  total: number,
  focus: ReadonlySet<string> | null,
): number {
  let matched = 0;
  for (const t of weights.terms) if (s.termSet.has(t)) matched += weights.weight(t);
  const headingTerms = new Set(s.heading ? termsOf(s.heading) : []);
  let inHeading = 0;
  for (const t of weights.terms) if (headingTerms.has(t)) inHeading += weights.weight(t);
  if (matched === 0 && inHeading === 0) return 0;
  const coverage = matched / total;
  // Sentences that repeat the question's words many times in few words are about it.
  const density = Math.min(1, (matched / total) * (12 / Math.max(8, s.words)));
  let score = coverage * 0.65 + density * 0.15 + (inHeading / total) * 0.25;
  score += 0.12 / Math.sqrt(1 + s.passage);
  const definition = definitionOf(s.text);
  if (definition) {
    const defined = termsOf(definition.term);
    const definesFocus = focus ? defined.some((t) => focus.has(t)) : false;
    const definesAsked = defined.some((t) => weights.weight(t) > 0);
    if (kind === 'what') score += definesFocus ? 0.45 : definesAsked ? 0.12 : 0.03;
    else if (definesAsked) score += 0.15;
  }
  if (kind === 'how' && (s.code || HOW_CUE.test(s.text))) score += s.code ? 0.2 : 0.08;
  if (kind === 'why' && WHY_CUE.test(s.text)) score += 0.15;
  if (s.words > 60) score *= 0.75;
  if (s.words < 7) score *= 0.8;
  return score;
}

/** The best `max` sentences for the question, redundancy penalised, best first. */
export function selectSentences(
  corpus: Corpus,
  question: string,
  weights: QueryWeights,
  options: SelectOptions,
): ScoredSentence[] {
  const scored = scoreSentences(corpus, question, weights).filter(
    (c) => !(options.exclude?.(c.sentence) ?? false),
  );
  if (scored.length === 0) return [];
  const best = Math.max(...scored.map((c) => c.raw));
  const floor = best * 0.45;
  const candidates = scored.filter((c) => c.raw >= floor).map((c) => ({ ...c, score: c.raw / best }));
  const vectors = new Map<number, TermVector>();
  const vec = (s: Sentence) => {
    let v = vectors.get(s.id);
    if (!v) vectors.set(s.id, (v = vectorOf(s.terms)));
    return v;
  };
  const chosen = mmr(candidates, {
    k: options.max,
    relevance: (c) => c.score,
    similarity: (a, b) => cosine(vec(a.sentence), vec(b.sentence)),
    lambda: 0.75,
  });
  const focus = focusTerms(question);
  return chosen.map((c) => ({ sentence: c.sentence, score: c.score, role: roleOf(c.sentence, focus) }));
}

/**
 * What to quote around a chosen sentence so it reads on its own and goes on to its answer: the
 * sentence before when it leans back ("This…", "It…"), when the chosen one is very short, or when the
 * one before is a short instruction ("Type m = [a,b; c,d]."); the sentence after when it is about the
 * question too (`relevant`) or goes on with it ("This…", "The purpose of this…"); and the rest of a short paragraph when it ends by introducing the
 * example that follows it (a colon, "for example", or a sentence left unfinished by the code).
 */
export function withContext(
  corpus: Corpus,
  s: Sentence,
  relevant: (t: Sentence) => boolean = () => false,
): Sentence[] {
  const para = paragraphOf(corpus, s);
  const at = s.indexInParagraph;
  const out = [s];
  const before = para[at - 1];
  if (
    before &&
    !before.fragment &&
    (LEANS_BACK.test(s.text) || s.words < 8 || (before.words <= 8 && !before.code))
  ) {
    out.unshift(before);
  }
  const after = para.slice(at + 1);
  const tail = para.at(-1);
  const introducesCode =
    tail?.code &&
    after.length <= 2 &&
    (/:$|\bfollowing\b|\bexample\b/i.test(tail.text) || !/[.!?]["'”’)\]]*$/.test(tail.text));
  if (introducesCode) out.push(...after);
  else if (after[0] && !after[0].fragment && (relevant(after[0]) || GOES_ON.test(after[0].text))) {
    out.push(after[0]);
  }
  return out;
}
