import { describe, expect, it } from 'vitest';
import type { MappedText } from '../structure/mapped-text.js';
import { continuesUrl, joinRunningText, pageBlocks, vocabularyOf } from './blocks.js';
import type { PdfLine } from './lines.js';

/** A line of page 1 whose text starts at `offset` of the page's raw text. */
const line = (text: string, offset: number): MappedText => ({ text, map: [[0, 1, offset]] });

describe('joining the lines of a paragraph', () => {
  it('joins a web address the typesetter broke after a slash or a dot, without a space', () => {
    const first = 'see https://';
    const second = 'www.gnu.org/contact/ for help';
    const text = line(first, 0);
    joinRunningText(text, { page: 1, eol: first.length }, line(second, first.length + 1), vocabularyOf([]));
    expect(text.text).toBe('see https://www.gnu.org/contact/ for help');
    // Each character of the second line still points at itself on the page (past the line break).
    expect(text.map).toEqual([
      [0, 1, 0],
      [first.length, 1, first.length + 1],
    ]);
  });

  it('tells an address that goes on from one that ends where the sentence goes on', () => {
    expect(continuesUrl('at https://lists.gnu.org/archive/html/', 'ftp-upload-report.')).toBe(true);
    expect(continuesUrl('via https://lists.', 'gnu.org/mailman/listinfo/x. Archives')).toBe(true);
    expect(continuesUrl('see https://', 'savannah.gnu.org/projects/gnulib.')).toBe(true);
    expect(continuesUrl('is at https://example.org/', 'and also on paper')).toBe(false);
    expect(continuesUrl('see https://gnu.org.', 'Then run make.')).toBe(false);
    expect(continuesUrl('see https://gnu.org.', 'then run make.')).toBe(false);
    expect(continuesUrl('a path like /usr/share/', 'doc/ is not an address')).toBe(false);
  });
});

/** A line of page 1 as `pageLines` gives it: 10-point text, 5 units a character, raw text one line each. */
function pdfLine(text: string, at: { x0?: number; y: number; mono?: boolean; offset?: number }): PdfLine {
  const x0 = at.x0 ?? 72;
  const offset = at.offset ?? 0;
  return {
    text,
    map: [[0, 1, offset]],
    page: 1,
    x0,
    x1: x0 + text.length * 5,
    y: at.y,
    size: 10,
    font: at.mono ? 'tt' : 'rm',
    mono: at.mono ?? false,
    charWidth: at.mono ? 5 : 0,
    eol: offset + text.length,
  };
}

/** Lines set one under the other at a 12-point step, starting at y = 700 (a `gap` pushes a line down). */
function page(rows: ReadonlyArray<{ text: string; mono?: boolean; x0?: number; gap?: number }>): PdfLine[] {
  let y = 712;
  let offset = 0;
  return rows.map((row) => {
    y -= 12 + (row.gap ?? 0);
    const line = pdfLine(row.text, { y, mono: row.mono, x0: row.x0, offset });
    offset += row.text.length + 1;
    return line;
  });
}

const STATS = { bodySize: 10, bodyFont: 'rm' };
const blocksOf = (lines: PdfLine[]) =>
  pageBlocks(lines, 'body', STATS, vocabularyOf(lines)).map((b) => [b.kind, b.text]);

/** 90 characters: a line that fills the measure (x 72 to 522) and does not end its sentence. */
const FULL = 'The package goes into the prefix chosen at configure time, which you make by running the';
/** Sets the measure and the line step of the page (full lines, then a paragraph's short last one). */
const LEAD = [
  { text: 'Most users never change the prefix, and nothing in this chapter needs them to change it,' },
  { text: 'so the defaults are what the examples below assume, unless a section says otherwise, and' },
  { text: 'then it says so at its start.' },
];
const LEAD_TEXT = LEAD.map((l) => l.text).join(' ');

describe('fixed-pitch lines in running text', () => {
  it('joins a command the full line above pushed onto a line of its own to its sentence', () => {
    const lines = page([...LEAD, { text: FULL }, { text: 'make install', mono: true }, { text: 'command.' }]);
    expect(blocksOf(lines)).toEqual([
      ['paragraph', LEAD_TEXT],
      ['paragraph', `${FULL} make install command.`],
    ]);
  });

  it('joins an address that wrapped to the hanging indent of a definition list', () => {
    const lines = page([
      ...LEAD,
      { text: 'Apache   The Apache Software Foundation license, as listed at https://directory.fsf.org/' },
      { text: 'wiki/License:Apache2.0.', mono: true, x0: 130 },
      { text: 'Expat    The Expat license, https://directory.fsf.org/wiki/License:Expat.', gap: 6 },
    ]);
    expect(blocksOf(lines).map(([, text]) => text)).toEqual([
      LEAD_TEXT,
      'Apache   The Apache Software Foundation license, as listed at https://directory.fsf.org/wiki/License:Apache2.0.',
      'Expat    The Expat license, https://directory.fsf.org/wiki/License:Expat.',
    ]);
  });

  it('joins a command at the margin that ends the sentence, or that the next line carries on from', () => {
    const ends = page([
      ...LEAD,
      { text: 'To install it, run the command' },
      { text: 'make install.', mono: true },
    ]);
    expect(blocksOf(ends)[1]).toEqual(['paragraph', 'To install it, run the command make install.']);
    const goesOn = page([
      ...LEAD,
      { text: 'To install it, run the command' },
      { text: 'make install', mono: true },
      { text: 'in the build directory.' },
    ]);
    expect(blocksOf(goesOn)[1]).toEqual([
      'paragraph',
      'To install it, run the command make install in the build directory.',
    ]);
  });

  it('keeps a display apart: after a colon, indented, spaced off, a listing, before a new sentence', () => {
    const kinds = (rows: Parameters<typeof page>[0]) =>
      blocksOf(page([...LEAD, ...rows])).map(([kind]) => kind);
    const shown = ['paragraph', 'paragraph', 'lines', 'paragraph'];
    const after = { text: 'in the build directory.' };
    expect(kinds([{ text: 'To install it, run:' }, { text: 'make install', mono: true }, after])).toEqual(
      shown,
    );
    expect(
      kinds([
        { text: 'To install it, run the command' },
        { text: 'make install', mono: true, x0: 100 },
        after,
      ]),
    ).toEqual(shown);
    expect(
      kinds([
        { text: 'To install it, run the command' },
        { text: 'make install', mono: true, gap: 4 },
        { ...after, gap: 4 },
      ]),
    ).toEqual(shown);
    expect(
      kinds([
        { text: 'To install it, run the command' },
        { text: 'make install', mono: true },
        { text: 'Then log out and in again.' },
      ]),
    ).toEqual(shown);
    const listing = page([
      ...LEAD,
      { text: FULL },
      { text: 'for (i = 1; i <= 10; i++)', mono: true },
      { text: '  print(i^2)', mono: true },
      { text: 'loop and stops.' },
    ]);
    expect(blocksOf(listing).slice(1)).toEqual([
      ['paragraph', FULL],
      ['lines', 'for (i = 1; i <= 10; i++)\n  print(i^2)'],
      ['paragraph', 'loop and stops.'],
    ]);
  });

  it('keeps a pushed-down fixed-pitch line apart when nothing shows the sentence going on through it', () => {
    const lines = page([
      ...LEAD,
      { text: FULL },
      { text: '/usr/share/doc/examples/venn.asy', mono: true },
      { text: 'pstoedit -f asy venn.eps test.asy', mono: true, gap: 4 },
    ]);
    expect(blocksOf(lines).map(([kind]) => kind)).toEqual(['paragraph', 'paragraph', 'lines']);
    expect(blocksOf(lines)[2]![1]).toBe(
      '/usr/share/doc/examples/venn.asy\npstoedit -f asy venn.eps test.asy',
    );
  });

  it('tells a display by the space above it also on a page where displays outnumber running lines', () => {
    const lines = page([
      ...LEAD,
      { text: 'To install it, run the command' },
      { text: 'make install', mono: true, gap: 4 },
      { text: 'in the build directory. Then check it with', gap: 4 },
      { text: 'make check', mono: true, gap: 4 },
      { text: 'and log out.', gap: 4 },
    ]);
    expect(blocksOf(lines).map(([kind]) => kind)).toEqual([
      'paragraph',
      'paragraph',
      'lines',
      'paragraph',
      'lines',
      'paragraph',
    ]);
  });
});

describe('list markers in running text', () => {
  it('reads a letter the full line above had no room for as the sentence going on, not a list item', () => {
    const full = 'The number of terms can be changed by typing \\ps n or by typing default(seriesprecision,';
    const lines = page([...LEAD, { text: full }, { text: 'n) where n is the number of terms you want.' }]);
    expect(blocksOf(lines)[1]).toEqual(['paragraph', `${full} n) where n is the number of terms you want.`]);
  });

  it('starts an item at a marker after a line with room left, and always at a bullet', () => {
    const items = page([
      ...LEAD,
      { text: 'Choose one of' },
      { text: 'a) the first way, or' },
      { text: 'b) the other.' },
    ]);
    expect(blocksOf(items)).toHaveLength(4);
    const bullets = page([...LEAD, { text: FULL }, { text: '• the other way' }]);
    expect(blocksOf(bullets)).toHaveLength(3);
  });
});

describe('a page of blocks', () => {
  it('reads a page of 200,000 lines (a hostile PDF) without overflowing the stack', () => {
    const lines: PdfLine[] = Array.from({ length: 200_000 }, (_, i) => ({
      ...line(`cell ${i}`, i * 10),
      page: 1,
      x0: 72 + (i % 7),
      x1: 300 + (i % 11),
      y: 700 - (i % 600),
      size: 10 + (i % 3),
      font: 'F1',
      mono: i % 2 === 0,
      charWidth: i % 2 === 0 ? 6 : 0,
      eol: -1,
    }));
    const blocks = pageBlocks(lines, 'body', { bodySize: 10, bodyFont: 'F1' }, vocabularyOf([]));
    expect(blocks.length).toBeGreaterThan(0);
  });
});
