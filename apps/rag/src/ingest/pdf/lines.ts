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

function buildLine(items: readonly PdfItem[], page: number, eol: number): PdfLine | null {
  const m = measureLine(items);
  if (m.chars === 0) return null;
  return {
    ...trimmed(joinItems(items, page)),
    page,
    x0: m.x0,
    x1: m.x1,
    y: m.y,
    size: m.size,
    font: mainFont(m.fontChars),
    mono: m.monoChars >= m.chars * 0.9 && m.mixing !== 'interleaved',
    charWidth: m.monoLength > 0 ? m.monoWidth / m.monoLength : 0,
    eol,
  };
}

/** What a line's visible characters are set in. */
interface LineMeasure {
  /** Extent and baseline (of the first visible item). */
  x0: number;
  x1: number;
  y: number;
  /** Largest font size. */
  size: number;
  /** Visible characters in each font. */
  fontChars: Map<string, number>;
  chars: number;
  /** Visible characters, width and length of the fixed-pitch items. */
  monoChars: number;
  monoWidth: number;
  monoLength: number;
  /** Fixed-pitch text, then proportional text, then fixed-pitch text again: `interleaved`. */
  mixing: 'none' | 'mono' | 'mono-then-text' | 'interleaved';
}

/** Items with no visible character (spaces) count for nothing. */
function measureLine(items: readonly PdfItem[]): LineMeasure {
  const m: LineMeasure = {
    x0: Infinity,
    x1: -Infinity,
    y: items[0]!.y,
    size: 0,
    fontChars: new Map(),
    chars: 0,
    monoChars: 0,
    monoWidth: 0,
    monoLength: 0,
    mixing: 'none',
  };
  for (const item of items) {
    const visible = visibleLength(item.str);
    if (visible === 0) continue;
    if (m.x0 === Infinity) m.y = item.y;
    m.size = Math.max(m.size, item.size);
    m.fontChars.set(item.font, (m.fontChars.get(item.font) ?? 0) + visible);
    m.chars += visible;
    if (item.mono) {
      m.monoChars += visible;
      m.monoWidth += item.width;
      m.monoLength += item.str.length;
      if (m.mixing === 'none') m.mixing = 'mono';
      else if (m.mixing === 'mono-then-text') m.mixing = 'interleaved';
    } else if (m.mixing === 'mono') m.mixing = 'mono-then-text';
    m.x0 = Math.min(m.x0, item.x);
    m.x1 = Math.max(m.x1, item.x + item.width);
  }
  return m;
}

/** The items' text in order, with a space where the gap between two items stands for one. */
function joinItems(items: readonly PdfItem[], page: number): MappedText {
  const joined = emptyMapped();
  let prev: PdfItem | null = null;
  for (const item of items) {
    if (prev) {
      const gap = item.x - (prev.x + prev.width);
      if (gap > item.size * 0.2 && !isSpace(joined.text.at(-1)) && !isSpace(item.str[0])) {
        appendInserted(joined, ' ');
      }
    }
    appendRaw(joined, item.str, page, item.raw);
    prev = item;
  }
  return joined;
}

/** Without leading and trailing whitespace, still mapped into the raw text. */
function trimmed(joined: MappedText): MappedText {
  let start = 0;
  let end = joined.text.length;
  while (start < end && isSpace(joined.text[start])) start++;
  while (end > start && isSpace(joined.text[end - 1])) end--;
  if (start === 0 && end === joined.text.length) return joined;
  const line = emptyMapped();
  appendSlice(line, joined, start, end);
  return line;
}

/** The font most characters are in (of fonts tied, the first seen). */
function mainFont(fontChars: ReadonlyMap<string, number>): string {
  let font = '';
  let best = -1;
  for (const [name, n] of fontChars) if (n > best) [font, best] = [name, n];
  return font;
}
