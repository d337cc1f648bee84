import { describe, expect, it } from 'vitest';
import type { PieceRange } from './highlight.js';
import { rawPageText, rawSpanToItemRanges, type TextItemLike } from './textLayerSpan.js';

/**
 * A page as PDF.js yields it: a header, then three paragraphs whose lines are text items (a line
 * can be several items, e.g. where the font changes), `hasEOL` where a line ends.
 */
const items: TextItemLike[] = [
  { str: 'Chapter 2 Data', hasEOL: true },
  { str: 'Vectors hold values of one type.', hasEOL: false },
  { str: ' ', hasEOL: false },
  { str: 'A list may hold', hasEOL: true },
  { str: 'anything.', hasEOL: true },
  { str: 'Missing values are written NA. ', hasEOL: false },
  { str: 'is.na(x)', hasEOL: false },
  { str: ' finds', hasEOL: true },
  { str: 'them in a vector.', hasEOL: true },
  { str: 'Factors store categories.', hasEOL: false },
];
const raw = rawPageText(items);

/** The highlighted characters, item by item, as the text layer would show them. */
function marked(pieces: readonly TextItemLike[], ranges: readonly PieceRange[]): string[] {
  return ranges.map((r) => pieces[r.piece]!.str.slice(r.start, r.end));
}

function spanOf(sentence: string): [number, number] {
  const start = raw.indexOf(sentence);
  expect(start).toBeGreaterThanOrEqual(0);
  return [start, start + sentence.length];
}

describe('rawPageText', () => {
  it('joins the items, with a line break after an item that ends a line', () => {
    expect(raw).toBe(
      'Chapter 2 Data\nVectors hold values of one type. A list may hold\nanything.\n' +
        'Missing values are written NA. is.na(x) finds\nthem in a vector.\nFactors store categories.',
    );
  });
});

describe('rawSpanToItemRanges', () => {
  it('covers exactly a sentence that spans items and a line break, and not its neighbours', () => {
    const [start, end] = spanOf('Missing values are written NA. is.na(x) finds\nthem in a vector.');
    const ranges = rawSpanToItemRanges(items, start, end);
    expect(ranges.map((r) => r.piece)).toEqual([5, 6, 7, 8]);
    expect(marked(items, ranges)).toEqual([
      'Missing values are written NA. ',
      'is.na(x)',
      ' finds',
      'them in a vector.',
    ]);
  });

  it('covers only the characters of an item that the span includes', () => {
    const [start, end] = spanOf('A list may hold\nanything.');
    expect(marked(items, rawSpanToItemRanges(items, start, end))).toEqual(['A list may hold', 'anything.']);

    const [s2, e2] = spanOf('written NA.');
    const ranges = rawSpanToItemRanges(items, s2, e2);
    expect(ranges).toEqual([
      { piece: 5, start: 'Missing values are '.length, end: 'Missing values are written NA.'.length },
    ]);
  });

  it('starts and ends mid-item across a line break', () => {
    const [start, end] = spanOf('hold\nany');
    expect(rawSpanToItemRanges(items, start, end)).toEqual([
      { piece: 3, start: 11, end: 15 },
      { piece: 4, start: 0, end: 3 },
    ]);
  });

  it('marks nothing for a span that is only a line break, and nothing past the page', () => {
    const eol = raw.indexOf('\n');
    expect(rawSpanToItemRanges(items, eol, eol + 1)).toEqual([]);
    expect(rawSpanToItemRanges(items, raw.length, raw.length + 40)).toEqual([]);
    const [start] = spanOf('Factors');
    expect(marked(items, rawSpanToItemRanges(items, start, raw.length + 40))).toEqual([
      'Factors store categories.',
    ]);
  });

  it('gives NUL characters, which the indexed text drops, no offset', () => {
    const withNul: TextItemLike[] = [{ str: 'ab\u0000c', hasEOL: true }, { str: 'de' }];
    expect(rawPageText(withNul)).toBe('abc\nde');
    expect(rawSpanToItemRanges(withNul, 2, 5)).toEqual([
      { piece: 0, start: 3, end: 4 },
      { piece: 1, start: 0, end: 1 },
    ]);
  });
});
