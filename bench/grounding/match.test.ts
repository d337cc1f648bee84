import { describe, expect, it } from 'vitest';
import { containsSnippet } from './match.js';

describe('snippet matching', () => {
  it('ignores case, whitespace and line breaks', () => {
    expect(containsSnippet('Type  M = [A,B,C;\nd,e,f] to enter it', 'm = [a,b,c; d,e,f]')).toBe(true);
  });

  it('treats curly quotes, Unicode minus signs and ligatures as their plain forms', () => {
    expect(containsSnippet('the mathematician’s integer part', "mathematician's integer part")).toBe(true);
    expect(containsSnippet('floor(−3.4) is −4', 'floor(-3.4)')).toBe(true);
    expect(containsSnippet('the ﬁrst line', 'first line')).toBe(true);
  });

  it('does not match different words, and never an empty snippet', () => {
    expect(containsSnippet('set output "plot.png"', 'set terminal')).toBe(false);
    expect(containsSnippet('anything', '  ')).toBe(false);
  });
});
