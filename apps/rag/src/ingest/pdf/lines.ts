import {
  appendInserted,
  appendRaw,
  appendSlice,
  emptyMapped,
  type MappedText,
} from '../structure/mapped-text.js';

/** One PDF.js text item, as parsing keeps it (plain data). */
export interface PdfItem {
  /** The item's text with NULs removed, exactly as it appears in the raw page text. */
  str: string;
  /** Offset of `str` in the raw page text. */
  raw: number;
  /** Baseline origin and font size in page units (y grows upwards). */
  x: number;
  y: number;
  size: number;
  width: number;
  /** PDF.js's font id (the same font keeps its id across pages). */
  font: string;
  /** The font is fixed-pitch (PDF.js's `monospace` family). */
  mono: boolean;
  /** A line break follows the item in the raw text (at `raw + str.length`). */
  eol: boolean;
}

/** One visual line of a page: its text (items joined, trimmed) mapped into the raw text. */
export interface PdfLine extends MappedText {
  page: number;
  x0: number;
  x1: number;
  /** Baseline. */
  y: number;
  /** Largest font size on the line. */
  size: number;
  /** Font of most of the line's characters. */
  font: string;
  /**
   * A code line: nearly all of it is in a fixed-pitch font, and no proportional text sits between
   * its fixed-pitch runs (prose naming code, "idealadd, idealaddtoone, …" with the commas in the
   * text font, is prose even when the names make up most of it).
   */
  mono: boolean;
  /** Average character width of the line's fixed-pitch text (0 when none). */
  charWidth: number;
  /** Raw offset of the line break after the line, or -1 when the raw text has none there. */
  eol: number;
}

const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);

/** Characters that are not whitespace (a loop: this runs for every text item of every page). */
function visibleLength(str: string): number {
  let n = 0;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c > 32 && c !== 0xa0 && c !== 0x3000 && !(c >= 0x2000 && c <= 0x200b) && c !== 0x85) n++;
  }
  return n;
}

/**
 * The lines of a page in content order: an item starts a new line when it moves off the current
 * baseline (by more than half the font size) or back to the left of what is already on it.
 */
export function pageLines(items: readonly PdfItem[], pageNumber: number): PdfLine[] {
  const lines: PdfLine[] = [];
  let group: PdfItem[] = [];
  let eol = -1;
  const close = () => {
    const line = group.length > 0 ? buildLine(group, pageNumber, eol) : null;
    if (line) lines.push(line);
    group = [];
    eol = -1;
  };
  for (const item of items) {
    if (item.str.length > 0 && item.str.trim().length > 0 && group.length > 0) {
      const ref = group.find((g) => g.str.trim().length > 0) ?? group[0]!;
      const last = group[group.length - 1]!;
      // Against the larger size: a superscript or subscript stays on its line.
      const size = Math.max(1, ref.size, item.size);
      const moved = Math.abs(item.y - ref.y) > size * 0.5;
      const back = item.x < last.x + last.width - size * 1.5 && item.x < ref.x + size;
      if (moved || back) close();
    }
    if (item.str.length > 0) group.push(item);
    if (item.eol) eol = item.raw + item.str.length;
    else if (item.str.length > 0) eol = -1;
  }
  close();
  return lines;
}

function buildLine(items: PdfItem[], page: number, eol: number): PdfLine | null {
  const joined = emptyMapped();
  let sizeMax = 0;
  const fontChars = new Map<string, number>();
  let chars = 0;
  let monoChars = 0;
  let monoWidth = 0;
  let monoLength = 0;
  // Fixed-pitch text, then proportional text, then fixed-pitch text again.
  let mixing: 'none' | 'mono' | 'mono-then-text' | 'interleaved' = 'none';
  let x0 = Infinity;
  let x1 = -Infinity;
  let y = items[0]!.y;
  let prev: PdfItem | null = null;
  for (const item of items) {
    const visible = visibleLength(item.str);
    if (visible > 0) {
      if (x0 === Infinity) y = item.y;
      sizeMax = Math.max(sizeMax, item.size);
      fontChars.set(item.font, (fontChars.get(item.font) ?? 0) + visible);
      chars += visible;
      if (item.mono) {
        monoChars += visible;
        monoWidth += item.width;
        monoLength += item.str.length;
        if (mixing === 'none') mixing = 'mono';
        else if (mixing === 'mono-then-text') mixing = 'interleaved';
      } else if (mixing === 'mono') mixing = 'mono-then-text';
      x0 = Math.min(x0, item.x);
      x1 = Math.max(x1, item.x + item.width);
    }
    if (prev) {
      const gap = item.x - (prev.x + prev.width);
      if (gap > item.size * 0.2 && !isSpace(joined.text.at(-1)) && !isSpace(item.str[0])) {
        appendInserted(joined, ' ');
      }
    }
    appendRaw(joined, item.str, page, item.raw);
    prev = item;
  }
  if (chars === 0) return null;
  let start = 0;
  let end = joined.text.length;
  while (start < end && isSpace(joined.text[start])) start++;
  while (end > start && isSpace(joined.text[end - 1])) end--;
  let line = joined;
  if (start > 0 || end < joined.text.length) {
    line = emptyMapped();
    appendSlice(line, joined, start, end);
  }
  let font = '';
  let best = -1;
  for (const [name, n] of fontChars) if (n > best) [font, best] = [name, n];
  return {
    ...line,
    page,
    x0,
    x1,
    y,
    size: sizeMax,
    font,
    mono: monoChars >= chars * 0.9 && mixing !== 'interleaved',
    charWidth: monoLength > 0 ? monoWidth / monoLength : 0,
    eol,
  };
}
