import { describe, expect, it } from 'vitest';
import { pagePositionOf, pageSpanOf } from './source-map.js';

describe('source map', () => {
  it('maps a chunk without a map character for character from charStart', () => {
    const chunk = { pageStart: 3, charStart: 100 };
    expect(pagePositionOf(chunk, 5)).toEqual({ page: 3, offset: 105 });
    expect(pageSpanOf(chunk, 5, 15)).toEqual({ page: 3, charStart: 105, charEnd: 115 });
  });

  it('skips text dropped from the chunk (a running header between two runs)', () => {
    // chunk "abcdef": "abc" at page offset 10, then "def" at page offset 40 (a header line was dropped).
    const chunk = {
      pageStart: 1,
      charStart: 10,
      sourceMap: [
        [0, 1, 10],
        [3, 1, 40],
      ] as const,
    };
    expect(pagePositionOf(chunk, 1)).toEqual({ page: 1, offset: 11 });
    expect(pagePositionOf(chunk, 4)).toEqual({ page: 1, offset: 41 });
    expect(pageSpanOf(chunk, 1, 5)).toEqual({ page: 1, charStart: 11, charEnd: 42 });
  });

  it('cuts a span that runs onto the next page at the end of its first page', () => {
    const chunk = {
      pageStart: 4,
      charStart: 900,
      sourceMap: [
        [0, 4, 900],
        [50, 5, 0],
      ] as const,
    };
    expect(pagePositionOf(chunk, 60)).toEqual({ page: 5, offset: 10 });
    expect(pageSpanOf(chunk, 40, 70)).toEqual({ page: 4, charStart: 940, charEnd: 950 });
    expect(pageSpanOf(chunk, 55, 70)).toEqual({ page: 5, charStart: 5, charEnd: 20 });
  });
});
