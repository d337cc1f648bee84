import type { SourceMap } from '../../citations/source-map.js';

/**
 * Text rebuilt from a document's raw page texts, with where each character came from: `map` holds
 * sorted `[textOffset, page, pageOffset]` runs with the meaning of a chunk's source map ("from
 * textOffset on, character i is character pageOffset + (i - textOffset) of that page"). Characters
 * the rebuild inserts (a space between two text items, a line's indentation, a blank line between
 * paragraphs) extend the run before them, so they point at neighbouring raw characters; every
 * character taken from a page points at itself.
 */
export interface MappedText {
  text: string;
  map: Array<[number, number, number]>;
}

export const emptyMapped = (): MappedText => ({ text: '', map: [] });

/** Appends `str`, which is the raw text of `page` from `pageOffset` on (whitespace may be normalised). */
export function appendRaw(target: MappedText, str: string, page: number, pageOffset: number): void {
  if (str.length === 0) return;
  const last = target.map[target.map.length - 1];
  const continues =
    last !== undefined && last[1] === page && last[2] + (target.text.length - last[0]) === pageOffset;
  if (!continues) target.map.push([target.text.length, page, pageOffset]);
  target.text += str;
}

/**
 * Appends characters with no counterpart in the raw text. At the very start they are anchored at
 * `anchor` (the raw position of what follows), since a map must begin at offset 0.
 */
export function appendInserted(
  target: MappedText,
  str: string,
  anchor?: { page: number; pageOffset: number },
): void {
  if (str.length === 0) return;
  if (target.map.length === 0) {
    if (!anchor) throw new Error('inserted text needs an anchor at the start of a mapped text');
    target.map.push([0, anchor.page, anchor.pageOffset]);
  }
  target.text += str;
}

/** Appends `source.text.slice(start, end)` with its mapping. */
export function appendSlice(target: MappedText, source: MappedText, start: number, end: number): void {
  const { map } = source;
  for (let i = runIndexAt(map, start); i < map.length; i++) {
    const [from, page, pageOffset] = map[i]!;
    const runEnd = Math.min(end, map[i + 1]?.[0] ?? source.text.length);
    const s = Math.max(start, from);
    if (s >= end) break;
    if (runEnd > s) appendRaw(target, source.text.slice(s, runEnd), page, pageOffset + (s - from));
  }
}

/** Index of the run holding text offset `offset` (binary search). */
export function runIndexAt(map: SourceMap, offset: number): number {
  let lo = 0;
  let hi = map.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (map[mid]![0] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The page and page offset of text offset `offset`. */
export function positionOf(mapped: MappedText, offset: number): { page: number; pageOffset: number } {
  const [from, page, pageOffset] = mapped.map[runIndexAt(mapped.map, offset)]!;
  return { page, pageOffset: pageOffset + (offset - from) };
}

/** Text that is one page's raw text from `pageOffset` on, character for character. */
export function rawMapped(text: string, page: number, pageOffset: number): MappedText {
  const mapped = emptyMapped();
  appendRaw(mapped, text, page, pageOffset);
  return mapped;
}
