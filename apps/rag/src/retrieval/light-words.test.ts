import nlp from 'compromise';
import { describe, expect, it } from 'vitest';
import { lightWords, readQuestionWords } from './light-words.js';

describe('light words of a question', () => {
  it('are its verbs, adjectives and adverbs', () => {
    expect(lightWords('How do cells get energy?')).toEqual(expect.arrayContaining(['get']));
    expect(lightWords('Walk me through the Krebs cycle step by step')).toContain('walk');
    expect(lightWords('And how fast is it?')).toContain('fast');
  });

  it('never include the nouns that name its topic', () => {
    for (const [question, nouns] of [
      ['How do cells get energy?', ['cells', 'energy']],
      ['Does temperature change the tides of the ocean?', ['temperature', 'tides', 'ocean']],
      ['How do I load data from a MySQL database straight into gnuplot?', ['mysql', 'database', 'gnuplot']],
      ['Who wrote Pride and Prejudice?', ['pride', 'prejudice']],
    ] as const) {
      const light = lightWords(question);
      for (const noun of nouns) expect(light).not.toContain(noun);
    }
  });

  it('keep a word heavy when the question also uses it as a noun', () => {
    expect(lightWords('How does a change of state change the pressure?')).not.toContain('change');
  });

  it('are read as the whole tagger reads them, chunker included', () => {
    const byWholeTagger = (question: string) => {
      const json = nlp(question).json({ terms: { normal: true } }) as Array<{
        terms: Array<{ normal: string; tags: string[] }>;
      }>;
      const terms = json.flatMap((s) => s.terms).filter((t) => t.normal);
      const nouns = new Set(terms.filter((t) => t.tags.includes('Noun')).map((t) => t.normal));
      const light = terms
        .filter((t) => !t.tags.includes('Noun'))
        .filter((t) => t.tags.some((tag) => tag === 'Verb' || tag === 'Adjective' || tag === 'Adverb'))
        .map((t) => t.normal);
      return [...new Set(light)].filter((w) => !nouns.has(w));
    };
    for (const question of [
      "How do I exit gp when I'm done? It isn't obvious.",
      'Quickly explain why the walking speed slowly drops. Then compare it with running.',
      'What does the 2nd chapter say about well-known sorting algorithms?',
      '',
    ]) {
      expect(lightWords(question)).toEqual(byWholeTagger(question));
    }
  });
});

describe('phrasing words a question names a thing with', () => {
  const phrasing = new Set(['quote', 'quotes', 'exact', 'meaning', 'answer', 'show']);

  it('are those an adjective qualifies ("single quotes", "double quotes")', () => {
    const read = readQuestionWords(
      "What's the difference between single quotes and double quotes in bash?",
      phrasing,
    );
    expect(read.topical).toEqual(['quotes']);
  });

  it('are not the words that phrase the request', () => {
    for (const question of [
      'Give me the exact quotes about loops',
      'Can you quote the sentence about loops?',
      'Which quotes does the shell remove?',
      'What does the show command print?',
      'What is the meaning of a tensor?',
    ]) {
      expect(readQuestionWords(question, phrasing).topical).toEqual([]);
    }
  });

  it('leave the light words as lightWords reads them', () => {
    const question = 'How do I escape double quotes inside a string?';
    expect(readQuestionWords(question, phrasing).light).toEqual(lightWords(question));
  });
});
