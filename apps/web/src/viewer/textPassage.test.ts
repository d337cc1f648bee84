import { describe, expect, it } from 'vitest';
import { textPassageRange } from './textPassage.js';

const TEXT = 'Vectors hold values of one type.\nMissing values are written NA.\n';

describe('textPassageRange', () => {
  it('marks exactly the span when given, even where a snippet would match elsewhere', () => {
    expect(textPassageRange(TEXT, { start: 8, end: 12 }, { snippet: 'Missing values' })).toEqual({
      start: 8,
      end: 12,
    });
  });

  it('cuts a span to the end of the text, and marks nothing when none of it is left', () => {
    expect(textPassageRange(TEXT, { start: 60, end: 500 }, null)).toEqual({ start: 60, end: TEXT.length });
    expect(textPassageRange(TEXT, { start: 500, end: 600 }, null)).toBeNull();
    expect(textPassageRange(TEXT, { start: 10, end: 10 }, null)).toBeNull();
  });

  it('finds an older citation by its snippet', () => {
    const range = textPassageRange(TEXT, null, { snippet: 'missing values are written NA.' });
    expect(range && TEXT.slice(range.start, range.end)).toBe('Missing values are written NA.');
  });

  it('marks nothing without a span or a hint', () => {
    expect(textPassageRange(TEXT, null, null)).toBeNull();
  });
});
