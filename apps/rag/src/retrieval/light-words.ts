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

/**
 * The words of a question that do not name its topic: its verbs, adjectives and adverbs ("get",
 * "walk", "fast"), as a part-of-speech tagger reads them in context. A course that never uses such a
 * word may still answer the question; one that never uses its nouns ("tides", "MySQL") does not. A
 * word also read as a noun elsewhere in the question stays heavy.
 */
export function lightWords(question: string): string[] {
  const doc = tagged(question.slice(0, 2000));
  const light = new Set<string>();
  const nouns = new Set<string>();
  // The tagged terms as they are (`json()` would copy each into a new object with a tag array).
  for (const sentence of doc.docs) {
    for (const t of sentence) {
      const tags = t.tags;
      if (!t.normal || !tags) continue;
      if (tags.has('Noun')) nouns.add(t.normal);
      else if (tags.has('Verb') || tags.has('Adjective') || tags.has('Adverb')) light.add(t.normal);
    }
  }
  return [...light].filter((w) => !nouns.has(w));
}

/**
 * Builds the tagger's lexicon now (its first question otherwise pays ≈ 150 ms for it), for a
 * service to call while it starts.
 */
export function prepareLightWords(): void {
  lightWords('Prepare the tagger.');
}
