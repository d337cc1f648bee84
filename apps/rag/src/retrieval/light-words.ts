import nlp from 'compromise';

/**
 * The tagger's steps without the chunker: it only groups tagged terms into phrases (it reads tags and
 * sets none), and was a tenth of each question's tagging.
 */
const TAGGING = nlp.hooks().filter((hook) => hook !== 'chunks');

/** A text as the part-of-speech tagger reads it (chunker left out), ready for `has()` and `match()`. */
export function tagged(text: string): ReturnType<typeof nlp> {
  const doc = nlp.tokenize(text);
  doc.compute(TAGGING);
  return doc;
}

/** What the tagger reads in a question: its light words and the phrasing words it uses as a topic. */
export interface QuestionWordsRead {
  /** Verbs, adjectives and adverbs not also used as a noun: see {@link lightWords}. */
  light: string[];
  /** Words of `phrasing` (words that usually phrase a question) that name part of its topic. */
  topical: string[];
}

/**
 * One tagging of `question`: its light words, and which of the `phrasing` words ("quotes", "meaning",
 * "answer": words usually left out of a search because they phrase the request) it uses as the name
 * of a thing, read as a word qualified by an adjective just before it that is not itself a phrasing
 * word — "single quotes" and "double quotes" are the topic; "the exact quotes" and "quote the
 * sentence" are the request.
 */
export function readQuestionWords(question: string, phrasing: ReadonlySet<string>): QuestionWordsRead {
  const doc = tagged(question.slice(0, 2000));
  const light = new Set<string>();
  const nouns = new Set<string>();
  const topical = new Set<string>();
  // The tagged terms as they are (`json()` would copy each into a new object with a tag array).
  for (const sentence of doc.docs) {
    let before: (typeof sentence)[number] | null = null;
    for (const t of sentence) {
      const tags = t.tags;
      if (!t.normal || !tags) continue;
      if (tags.has('Noun')) nouns.add(t.normal);
      else if (tags.has('Verb') || tags.has('Adjective') || tags.has('Adverb')) light.add(t.normal);
      const qualified =
        before?.tags?.has('Adjective') === true &&
        !phrasing.has(before.normal) &&
        !/\S/.test(before.post ?? '');
      if (phrasing.has(t.normal) && qualified) topical.add(t.normal);
      before = t;
    }
  }
  return { light: [...light].filter((w) => !nouns.has(w)), topical: [...topical] };
}

/**
 * The words of a question that do not name its topic: its verbs, adjectives and adverbs ("get",
 * "walk", "fast"), as a part-of-speech tagger reads them in context. A course that never uses such a
 * word may still answer the question; one that never uses its nouns ("tides", "MySQL") does not. A
 * word also read as a noun elsewhere in the question stays heavy.
 */
export function lightWords(question: string): string[] {
  return readQuestionWords(question, NO_WORDS).light;
}

const NO_WORDS: ReadonlySet<string> = new Set();

/**
 * Builds the tagger's lexicon now (its first question otherwise pays ≈ 150 ms for it), for a
 * service to call while it starts.
 */
export function prepareLightWords(): void {
  lightWords('Prepare the tagger.');
}
