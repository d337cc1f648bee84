import { describe, expect, it } from 'vitest';
import { retrievalWeights } from './weights.js';

describe("retrieval's term weights in the engine's terms", () => {
  it('reads each term from the words it came from, the average term weighing 1', () => {
    const weights = retrievalWeights([
      { term: 'factor', words: ['factors'], weight: 0.75 },
      { term: 'level', words: ['levels'], weight: 0.25 },
    ])!;
    expect([...weights.terms].sort()).toEqual(['factor', 'level']);
    expect(weights.weight('factor')).toBeCloseTo(1.5);
    expect(weights.weight('level')).toBeCloseTo(0.5);
    expect(weights.weight('vector')).toBe(0);
  });

  it('keeps a code-like word whole and gives its parts its weight', () => {
    const weights = retrievalWeights([
      { term: 'read.csv', words: ['read.csv()'], weight: 0.8 },
      { term: 'file', words: ['file'], weight: 0.2 },
    ])!;
    expect(weights.weight('read.csv')).toBeCloseTo(1.6);
    expect(weights.weight('csv')).toBeCloseTo(1.6);
    expect(weights.weight('file')).toBeCloseTo(0.4);
  });

  it('gives nothing when retrieval had no terms, or only words the engine ignores', () => {
    expect(retrievalWeights([])).toBeNull();
    expect(retrievalWeights([{ term: 'use', words: ['use'], weight: 1 }])).toBeNull();
  });
});
