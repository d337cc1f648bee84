import { describe, expect, it } from 'vitest';
import { containsSnippet, withoutMarkdownEscapes } from './match.js';

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

describe('answers read as rendered', () => {
  it('drops the backslash of Markdown escapes, keeping other backslashes', () => {
    expect(withoutMarkdownEscapes('Type m = \\[a,b,c; d,e,f\\] and 3\\*x')).toBe(
      'Type m = [a,b,c; d,e,f] and 3*x',
    );
    expect(withoutMarkdownEscapes('quit or \\\\q')).toBe('quit or \\q');
    expect(withoutMarkdownEscapes('\\alpha and \\q')).toBe('\\alpha and \\q');
  });
});
