import { describe, expect, it } from 'vitest';
import { countTokens } from './tokens.js';

/** `count` made-up words of 3–8 letters from a seeded generator (mulberry32): almost none repeat. */
function madeUpWords(count: number, seed: number): string[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return Array.from({ length: count }, () => {
    let word = '';
    for (let j = 3 + Math.floor(random() * 6); j > 0; j--)
      word += String.fromCharCode(97 + Math.floor(random() * 26));
    return word;
  });
}

/** Milliseconds to count the tokens of `text` `times` times (the best of three rounds). */
function timeCounting(text: string, times: number): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    for (let i = 0; i < times; i++) countTokens(text);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe('counting tokens', () => {
  it('is as fast after a text of 250,000 distinct words as before it', () => {
    const prose =
      'The mitochondrion is the powerhouse of the cell and makes ATP through oxidative phosphorylation; ' +
      'ribosomes translate messenger RNA into proteins. ';
    const before = timeCounting(prose.repeat(8), 300);
    const words = madeUpWords(250_000, 3);
    for (let i = 0; i < words.length; i += 200) countTokens(words.slice(i, i + 200).join(' '));
    const after = timeCounting(prose.repeat(8), 300);
    // With gpt-tokenizer's default cache (100,000 words), once 150,000 more have gone through it,
    // `after` is ~8× `before`.
    expect(after).toBeLessThan(before * 3 + 5);
  });
});
