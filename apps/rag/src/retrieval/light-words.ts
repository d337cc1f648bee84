import nlp from 'compromise';

/**
 * The words of a question that do not name its topic: its verbs, adjectives and adverbs ("get",
 * "walk", "fast"), as a part-of-speech tagger reads them in context. A course that never uses such a
 * word may still answer the question; one that never uses its nouns ("tides", "MySQL") does not. A
 * word also read as a noun elsewhere in the question stays heavy.
 */
export function lightWords(question: string): string[] {
  const terms = nlp(question.slice(0, 2000)).json({ terms: { normal: true } }) as Array<{
    terms: Array<{ normal: string; tags: string[] }>;
  }>;
  const light = new Set<string>();
  const nouns = new Set<string>();
  for (const sentence of terms) {
    for (const t of sentence.terms) {
      if (!t.normal) continue;
      if (t.tags.includes('Noun')) nouns.add(t.normal);
      else if (t.tags.some((tag) => tag === 'Verb' || tag === 'Adjective' || tag === 'Adverb')) {
        light.add(t.normal);
      }
    }
  }
  return [...light].filter((w) => !nouns.has(w));
}
