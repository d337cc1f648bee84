import { expressionAsked, holdsExpression, type Expression } from './expressions.js';
import { paragraphOf, sentenceKey, type Corpus, type Sentence } from './model.js';
import {
  definitionOf,
  EXAMPLE_CUE,
  hasInlineCode,
  hasSymbol,
  HOW_CUE,
  kindAskedFor,
  LEANS_BACK,
  namesAsCode,
  PURPOSE_CUE,
  saysWhatItMeans,
  symbolsOf,
  questionFocus,
  questionKind,
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
  'iu',
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
  if (s.fragment || s.words < 4 || s.text.length > 600 || continuesElsewhere(s)) return false;
  const letters = (s.text.match(/\p{L}/gu) ?? []).length;
  return letters / s.text.length > 0.5 && s.terms.length >= 2;
}

/**
 * A paragraph opening in lowercase prose is the end of a sentence the layout broke off ("filter for
 * simple filling of text’." after "Example: ‘fmt"): it does not read on its own.
 */
const continuesElsewhere = (s: Sentence): boolean =>
  s.indexInParagraph === 0 && /^\p{Ll}\p{L}*\s+\p{Ll}/u.test(s.text) && !hasInlineCode(s.text);

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

/** What a question asks for, read once: its kind, focus, symbols and whether it wants a name. */
interface Asked {
  kind: QuestionKind;
  /** The kind of expression the question asks for ("how often…" → a frequency), or null. */
  expression: Expression | null;
  focus: ReadonlySet<string> | null;
  symbols: readonly string[];
  symbolWeight: number;
  /** What a "what does X mean" question names as written: its focus and its symbols. */
  names: readonly string[];
  wantsCode: boolean;
  /** The kind of name the question asks for ("which function…" → "function"), or null. */
  nameKind: string | null;
  weights: QueryWeights;
  /** The weight of all the question's terms and symbols together. */
  total: number;
}

function readQuestion(question: string, weights: QueryWeights): Asked {
  const kind = questionKind(question);
  const symbols = symbolsOf(question);
  const focus = questionFocus(question);
  const nameKind = kindAskedFor(question);
  // A symbol asked about ("%", "--") is what the question is about: it weighs as its heaviest word.
  const symbolWeight = Math.max(1, ...weights.terms.map((t) => weights.weight(t)));
  const words = weights.terms.reduce((s, t) => s + weights.weight(t), 0);
  return {
    kind,
    expression: expressionAsked(question),
    focus: focusTerms(question),
    symbols,
    symbolWeight,
    names: [...symbols, ...(focus ? [focus] : [])],
    wantsCode: kind === 'how' || nameKind !== null,
    nameKind,
    weights,
    total: words + symbols.length * symbolWeight,
  };
}

/** Of the best sentence's relevance, what another needs to be chosen at all. */
const FLOOR = 0.45;

/**
 * The raw relevance of each sentence to the question (0 = shares nothing with it), leaving out the
 * sentences `exclude` names.
 */
export function scoreSentences(
  corpus: Corpus,
  question: string,
  weights: QueryWeights,
  exclude: (s: Sentence) => boolean = () => false,
): Array<{ sentence: Sentence; raw: number }> {
  const asked = readQuestion(question, weights);
  if (asked.total === 0) return [];
  const seen = new Set<string>();
  const out: Scored[] = [];
  for (const s of corpus.sentences) {
    if (!quotable(s)) continue;
    const key = sentenceKey(s);
    if (seen.has(key)) continue;
    seen.add(key);
    if (exclude(s)) continue;
    const found = relevance(s, asked, leadIn(corpus, s), followUp(corpus, s));
    if (found.raw > 0) out.push({ sentence: s, ...found });
  }
  return withExpression(out, asked);
}

interface Scored {
  sentence: Sentence;
  raw: number;
  /** The share of the question's weight the sentence (and, at a discount, its neighbours) holds. */
  coverage: number;
}

/**
 * What holding the expression a question asks for adds ("every five minutes" for "how often…", a
 * reason for "why…"): all of it to a sentence covering half the question's weight or more, less to
 * one covering less. The expression tells apart sentences about the question; it does not make one
 * about something else answer it. Added after the length discounts: a short sentence that says when
 * or how often is a whole answer.
 */
const EXPRESSION_BONUS = 0.25;

/**
 * The tagger reads a sentence in about a millisecond: it reads only the sentences that could be chosen
 * with the bonus, the most likely first, and no more than several times what an answer quotes.
 */
const TAGGED_AT_MOST = 24;

/**
 * The scores with the expression bonus added to the sentences that hold the expression asked for.
 * Below the floor even with the bonus, a sentence is never chosen: it is not read.
 */
function withExpression(scored: readonly Scored[], asked: Asked): Array<{ sentence: Sentence; raw: number }> {
  const expression = asked.expression;
  const out = scored.map(({ sentence, raw }) => ({ sentence, raw }));
  if (!expression || scored.length === 0) return out;
  const floor = Math.max(...scored.map((c) => c.raw)) * FLOOR;
  const bonus = (c: Scored) => EXPRESSION_BONUS * Math.min(1, c.coverage * 2);
  const reachable = scored
    .map((c, i) => ({ i, best: c.raw + bonus(c) }))
    .filter((c) => c.best >= floor)
    .sort((a, b) => b.best - a.best)
    .slice(0, TAGGED_AT_MOST);
  for (const { i, best } of reachable) {
    if (holdsExpression(out[i]!.sentence.text, expression)) out[i]!.raw = best;
  }
  return out;
}

/**
 * The sentence a sentence is read after: the one before it in its paragraph, or the last of the
 * paragraph before when that one announces it (ends with a colon or is left unfinished).
 */
export function leadIn(corpus: Corpus, s: Sentence): Sentence | null {
  const before = corpus.sentences[s.id - 1];
  if (!before || before.passage !== s.passage) return null;
  if (before.paragraph === s.paragraph) return before;
  return announces(before) ? before : null;
}

/**
 * The sentence that completes a sentence: what it announces ("use the command line" → the command),
 * or the next one in its paragraph when that one goes on with it ("This…").
 */
export function followUp(corpus: Corpus, s: Sentence): Sentence | null {
  const next = corpus.sentences[s.id + 1];
  if (!next || next.passage !== s.passage) return null;
  if (announces(s)) return next;
  return next.paragraph === s.paragraph && GOES_ON.test(next.text) ? next : null;
}

/** A sentence that goes on into what follows it: it ends with a colon or has no end punctuation. */
export const announces = (s: Sentence): boolean =>
  !s.code && (/:$/.test(s.text) || !/[.!?]["'”’)\]]*$/.test(s.text));

/** The question's weight a text's terms and symbols carry. */
function matchedWeight(asked: Asked, terms: ReadonlySet<string>, text: string): number {
  let matched = 0;
  for (const t of asked.weights.terms) if (terms.has(t)) matched += asked.weights.weight(t);
  for (const sym of asked.symbols) if (hasSymbol(text, sym)) matched += asked.symbolWeight;
  return matched;
}

/**
 * The share of the question's weight that a sentence's neighbours (the sentence it is read after,
 * the one that completes it, the example it introduces) add to its own: more when it leans on them
 * ("This is easy to do with getopt_long.").
 */
const NEIGHBOUR_SHARE = 0.3;
const LEANING_SHARE = 0.6;

/** The question's weight a sentence's neighbours carry that the sentence itself does not. */
function neighbourWeight(s: Sentence, asked: Asked, own: number, around: readonly Sentence[]): number {
  const terms = new Set(s.terms);
  const texts = [s.text];
  for (const n of around) {
    for (const t of n.terms) terms.add(t);
    texts.push(n.text);
  }
  if (s.code) {
    for (const t of termsOf(s.code.text)) terms.add(t);
    texts.push(s.code.text);
  }
  return Math.max(0, matchedWeight(asked, terms, texts.join('\n')) - own);
}

/**
 * How well a sentence answers: the question's terms it holds, then, at a discount, those its
 * neighbours hold; how densely it holds them; its heading; its passage's rank; and the shape the
 * question asks for.
 */
function relevance(
  s: Sentence,
  asked: Asked,
  before: Sentence | null,
  after: Sentence | null,
): { raw: number; coverage: number } {
  const { weights, total } = asked;
  const own = matchedWeight(asked, s.termSet, s.text);
  const around = neighbourWeight(
    s,
    asked,
    own,
    [before, after].filter((n) => n !== null),
  );
  const headingTerms = new Set(s.heading ? termsOf(s.heading) : []);
  let inHeading = 0;
  for (const t of weights.terms) if (headingTerms.has(t)) inHeading += weights.weight(t);
  if (own === 0 && inHeading === 0 && around === 0) return { raw: 0, coverage: 0 };
  const leans = LEANS_BACK.test(s.text) || (before !== null && announces(before));
  const coverage = (own + around * (leans ? LEANING_SHARE : NEIGHBOUR_SHARE)) / total;
  // Sentences that repeat the question's words many times in few words are about it.
  const density = Math.min(1, (own / total) * (12 / Math.max(8, s.words)));
  let score = coverage * 0.65 + density * 0.15 + (inHeading / total) * 0.25;
  score += 0.12 / Math.sqrt(1 + s.passage);
  score += shapeBonus(s, asked);
  if (s.words > 60) score *= 0.75;
  if (s.words < 7) score *= 0.8;
  return { raw: score, coverage };
}

/**
 * What the sentence's shape adds: a definition of what a "what is…" question asks about; for a
 * "how do I…" question (or one asking which command), code — an example after it or code written
 * in it — else an instruction; a purpose for "what is X for".
 */
function shapeBonus(s: Sentence, asked: Asked): number {
  const { kind, focus, weights } = asked;
  let bonus = 0;
  const definition = definitionOf(s.text);
  if (definition) {
    const defined = termsOf(definition.term);
    const definesFocus = focus ? defined.some((t) => focus.has(t)) : false;
    const definesAsked = defined.some((t) => weights.weight(t) > 0);
    if (kind === 'what') bonus += definesFocus ? 0.45 : definesAsked ? 0.12 : 0.03;
    else if (definesAsked) bonus += 0.15;
  }
  // A name asked for ("which function…") is written in the sentence; a how-to may be the example.
  if (kind === 'how' && s.code) bonus += 0.2;
  else if (asked.wantsCode && hasInlineCode(s.text)) bonus += 0.15;
  else if (kind === 'how' && HOW_CUE.test(s.text)) bonus += 0.08;
  // "Which function…" is answered by the sentence that names a function ("the GNU function getopt_long").
  if (asked.nameKind && namesAsCode(s.text, asked.nameKind)) bonus += 0.15;
  if (kind === 'what' && PURPOSE_CUE.test(s.text)) bonus += 0.1;
  if (kind === 'what' && asked.names.some((name) => saysWhatItMeans(s.text, name))) bonus += 0.45;
  return bonus;
}

/**
 * A sentence's terms as MMR compares them. Two sentences are redundant when they say the same
 * besides the question's words: sharing those is what makes both relevant, so they count for little.
 */
export function redundancyVector(terms: readonly string[], questionTerms: readonly string[]): TermVector {
  return vectorOf(terms, new Map(questionTerms.map((t) => [t, 0.25])));
}

/** The best `max` sentences for the question, redundancy penalised, best first. */
export function selectSentences(
  corpus: Corpus,
  question: string,
  weights: QueryWeights,
  options: SelectOptions,
): ScoredSentence[] {
  const scored = scoreSentences(corpus, question, weights, options.exclude);
  if (scored.length === 0) return [];
  const best = Math.max(...scored.map((c) => c.raw));
  const floor = best * FLOOR;
  const candidates = scored.filter((c) => c.raw >= floor).map((c) => ({ ...c, score: c.raw / best }));
  const vectors = new Map<number, TermVector>();
  const vec = (s: Sentence) => {
    let v = vectors.get(s.id);
    if (!v) vectors.set(s.id, (v = redundancyVector(s.terms, weights.terms)));
    return v;
  };
  const chosen = mmr(candidates, {
    k: options.max,
    relevance: (c) => c.score,
    similarity: (a, b) => cosine(vec(a.sentence), vec(b.sentence)),
    lambda: 0.85,
  });
  const focus = focusTerms(question);
  return chosen.map((c) => ({ sentence: c.sentence, score: c.score, role: roleOf(c.sentence, focus) }));
}

/** A routine's declaration: a return type, a name and its parameters, one statement. */
export function isSignature(code: string): boolean {
  const line = code.replace(/\s+/g, ' ').trim();
  return line.length <= 300 && /^[A-Za-z_][\w.<>[\]*& ]*\s[A-Za-z_]\w*\s?\([^;]*\)\s?;?$/.test(line);
}

/**
 * A paragraph that opens by leaning back right after the example of the paragraph before ("This is
 * useful if you are writing a paper…" after a session of `tex(…)` calls) is about that example and
 * the sentence that introduced it.
 */
const readsOnFromExample = (before: Sentence, s: Sentence): boolean =>
  before.code !== null && s.indexInParagraph === 0 && LEANS_BACK.test(s.text);

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
    !continuesElsewhere(before) &&
    (LEANS_BACK.test(s.text) || s.words < 8 || (before.words <= 8 && !before.code))
  ) {
    out.unshift(before);
  }
  // Leaning back on the example above it: quoted after the sentence that introduced the example.
  const above = corpus.sentences[s.id - 1];
  if (at === 0 && above?.passage === s.passage && !above.fragment && readsOnFromExample(above, s))
    out.unshift(above);
  const after = para.slice(at + 1);
  const tail = para.at(-1);
  // One sentence between the chosen one and its paragraph's example is the bridge to it ("Perhaps
  // the simplest way is to show it in action."); two when the last one announces the example.
  const introducesCode =
    tail?.code &&
    (after.length <= 1 ||
      (after.length <= 2 &&
        (/:$|\bfollowing\b|\bexample\b/i.test(tail.text) || !/[.!?]["'”’)\]]*$/.test(tail.text))));
  if (introducesCode) out.push(...after);
  else if (after[0] && !after[0].fragment && (relevant(after[0]) || GOES_ON.test(after[0].text))) {
    out.push(after[0]);
  }
  // A paragraph that ends by announcing what follows ("…numerical routines:", "use the command
  // line") goes on to the first sentence of the next paragraph: that is what it announces.
  const last = out.at(-1)!;
  const next = corpus.sentences[last.id + 1];
  // Or it announces a routine's signature ("…numerical routines:" then `real newton(…);`): the next
  // paragraph says what the routine does.
  const announcesCode = last.code !== null && /:$/.test(last.text) && isSignature(last.code.text);
  if (
    last.lastInParagraph &&
    (announces(last) || announcesCode) &&
    next &&
    next.passage === last.passage &&
    !next.fragment
  )
    out.push(next);
  return out;
}
