import type { PieceRange } from './highlight.js';

/** What the viewer needs of a PDF.js text item: its text, and whether a line ends after it. */
export interface TextItemLike {
  str: string;
  hasEOL?: boolean;
}

/** The indexed page text has NULs removed (PostgreSQL text cannot hold them): they take no offset. */
const NUL = '\u0000';

/**
 * A page's raw text as citations index it: the text items' strings in order, with `\n` after an
 * item that ends a line, NULs removed. Each text-layer span shows exactly one item's string.
 */
export function rawPageText(items: readonly TextItemLike[]): string {
  return items
    .map((item) => item.str + (item.hasEOL ? '\n' : ''))
    .join('')
    .replaceAll(NUL, '');
}

/**
 * The characters `[start, end)` of the raw page text, as a range within each text item they fall
 * in (`piece` = the item's index, which is also its text-layer span's index). A span that starts or
 * ends inside an item covers only that part of it; line breaks are not characters of any span.
 */
export function rawSpanToItemRanges(
  items: readonly TextItemLike[],
  start: number,
  end: number,
): PieceRange[] {
  const ranges: PieceRange[] = [];
  let offset = 0;
  for (let piece = 0; piece < items.length && offset < end; piece++) {
    const { str, hasEOL } = items[piece]!;
    let from = -1;
    let to = -1;
    for (let i = 0; i < str.length; i++) {
      if (str[i] === NUL) continue;
      if (offset >= start && offset < end) {
        if (from === -1) from = i;
        to = i + 1;
      }
      offset++;
    }
    if (from !== -1) ranges.push({ piece, start: from, end: to });
    if (hasEOL) offset++;
  }
  return ranges;
}
