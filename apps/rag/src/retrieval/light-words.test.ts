import { describe, expect, it } from 'vitest';
import { lightWords } from './light-words.js';

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
});
