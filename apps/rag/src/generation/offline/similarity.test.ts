import { describe, expect, it } from 'vitest';
import { cosine, mmr, vectorOf } from './similarity.js';
import { termsOf } from './terms.js';

describe('MMR', () => {
  const items = [
    { id: 'a', text: 'A factor is a vector object used to specify a discrete classification.', relevance: 1 },
    {
      id: 'a2',
      text: 'A factor is a vector object used to specify a discrete classification!',
      relevance: 0.99,
    },
    { id: 'b', text: 'The levels of a factor are its distinct values, sorted.', relevance: 0.8 },
    { id: 'c', text: 'Use tapply() to apply a function to each group of a factor.', relevance: 0.7 },
  ];
  const vec = new Map(items.map((i) => [i.id, vectorOf(termsOf(i.text))]));
  const pick = (k: number) =>
    mmr(items, {
      k,
      relevance: (i) => i.relevance,
      similarity: (x, y) => cosine(vec.get(x.id)!, vec.get(y.id)!),
    }).map((i) => i.id);

  it('drops a near-duplicate of a sentence already chosen, whatever its relevance', () => {
    expect(pick(3)).toEqual(['a', 'b', 'c']);
    expect(pick(4)).toEqual(['a', 'b', 'c']);
  });

  it('takes the most relevant first', () => {
    expect(pick(1)).toEqual(['a']);
  });
});
