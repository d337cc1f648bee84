import { describe, expect, it } from 'vitest';
import { pagePositionOf, pageSpanOf, spanOnFirstPageOf } from './source-map.js';

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

  const overBreak = {
    pageStart: 4,
    charStart: 900,
    sourceMap: [
      [0, 4, 900],
      [50, 5, 0],
    ] as const,
  };

  it('cites a span that runs over a page break on the page that holds most of it', () => {
    expect(pagePositionOf(overBreak, 60)).toEqual({ page: 5, offset: 10 });
    // 10 characters on page 4, 20 on page 5.
    expect(pageSpanOf(overBreak, 40, 70)).toEqual({ page: 5, charStart: 0, charEnd: 20 });
    // 20 on page 4, 5 on page 5.
    expect(pageSpanOf(overBreak, 30, 55)).toEqual({ page: 4, charStart: 930, charEnd: 950 });
    expect(pageSpanOf(overBreak, 55, 70)).toEqual({ page: 5, charStart: 5, charEnd: 20 });
  });

  it('measures a span’s part on its first page, cut at the page break', () => {
    expect(spanOnFirstPageOf(overBreak, 40, 70)).toEqual({ page: 4, charStart: 940, charEnd: 950 });
    expect(spanOnFirstPageOf(overBreak, 55, 70)).toEqual({ page: 5, charStart: 5, charEnd: 20 });
  });
});
