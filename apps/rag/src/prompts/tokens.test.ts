import { describe, expect, it } from 'vitest';
import { madeUpWords } from '@classchat/testkit';
import { countTokens } from './tokens.js';

/** Milliseconds to count the tokens of `words[from..to)`, 200 words at a time. */
function timeCounting(words: readonly string[], from: number, to: number): number {
  const started = performance.now();
  for (let i = from; i < to; i += 200) countTokens(words.slice(i, Math.min(to, i + 200)).join(' '));
  return performance.now() - started;
}

describe('counting tokens', () => {
  it('counts new words as fast once 250,000 have gone through it as at first', () => {
    const words = madeUpWords(300_000, 3);
    const first = timeCounting(words, 0, 50_000);
    timeCounting(words, 50_000, 250_000);
    const last = timeCounting(words, 250_000, 300_000);
    // With gpt-tokenizer's default cache (100,000 words) every eviction walks the deleted slots at
    // the front of its Map: the last 50,000 take several times as long as the first.
    expect(last).toBeLessThan(first * 2 + 20);
  });
});
