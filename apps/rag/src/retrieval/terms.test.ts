import { describe, expect, it } from 'vitest';
import { weightedTerms } from './terms.js';

describe('weighted terms', () => {
  it('weighs each term by its share of the question’s idf, in the question’s order', () => {
    const terms = weightedTerms([
      { term: 'data', words: ['data'], df: 90, idf: 0.5 },
      { term: 'read.csv', words: ['read.csv()'], df: 2, idf: 4 },
      { term: 'file', words: ['file', 'files'], df: 60, idf: 0.5 },
    ]);
    expect(terms).toEqual([
      { term: 'data', words: ['data'], weight: 0.1 },
      { term: 'read.csv', words: ['read.csv()'], weight: 0.8 },
      { term: 'file', words: ['file', 'files'], weight: 0.1 },
    ]);
  });

  it('is empty without terms', () => {
    expect(weightedTerms([])).toEqual([]);
  });
});
