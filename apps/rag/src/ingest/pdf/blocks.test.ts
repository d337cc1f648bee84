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
