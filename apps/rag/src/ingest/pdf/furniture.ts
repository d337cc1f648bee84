import type { PdfLine } from './lines.js';

/**
 * Running headers and footers ("page furniture"): lines in the top or bottom band of a page that
 * repeat across pages once numbers are masked ("Chapter 2: Data 17" on one page and "Chapter 2:
 * Data 18" on the next), and lone page numbers there. They are not text a student reads as part of
 * the page, so they are kept out of what is indexed, quoted and embedded.
 */

/** Share of the page height, from the top and from the bottom edge, where furniture sits. */
const BAND = 0.16;
/** Lines considered from each edge of a page. */
const EDGE_LINES = 3;
const MAX_CHARS = 150;

const PAGE_NUMBER =
  /^(?:page\s+)?[-–—([]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—)\]]?(?:\s*(?:of|\/)\s*\d{1,4})?$/i;

/** The line with numbers (and roman numerals at its ends) masked, for comparing across pages. */
export function furnitureKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\d+/g, '#')
    .replace(/^[ivxlcdm]+\b|\b[ivxlcdm]+$/g, '#');
}

export interface FurniturePage {
  lines: readonly PdfLine[];
  /** Page box top and bottom (y grows upwards). */
  top: number;
  bottom: number;
}

/** A number at either end of a line: a page number in a running header or footer. */
const NUMBER_AT_END = /^(?:\d{1,4}|[ivxlcdm]{1,7})\s|\s(?:\d{1,4}|[ivxlcdm]{1,7})$/i;

interface Candidate {
  index: number;
  /** Band, size and masked text: the same running header on another page has the same key. */
  key: string;
  /** Band and height: where on the page the line sits. */
  slot: string;
  /** The outermost line of its band, set apart from the text inside it, with a number at one end. */
  numberedEdge: boolean;
  /** Arabic numbers at the ends of its band's outermost text, when this is the outermost line. */
  edgeNumbers: number[];
}

/**
 * For each page, the indexes (into its `lines`) of its running headers and footers: lone page
 * numbers; lines whose masked text repeats on several pages; and lines with a page number at one
 * end sitting alone at the same height as such lines on several pages (a header naming each
 * chapter in turn, "Chapter 2: Data 17"). `bodySize` is the document's usual text size: a large
 * line (a chapter title at the top of each chapter's first page) is never furniture.
 */
export function findFurniture(pages: readonly FurniturePage[], bodySize: number): Set<number>[] {
  const candidates = pages.map(edgeCandidates);
  const pagesPer = (pick: (c: Candidate) => string | null) => {
    const counts = new Map<string, number>();
    for (const page of candidates) {
      const keys = new Set(page.map(pick).filter((k): k is string => k !== null));
      for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  };
  const byKey = pagesPer((c) => c.key);
  const bySlot = pagesPer((c) => (c.numberedEdge ? c.slot : null));
  const minRepeats = pages.length >= 6 ? 3 : 2;
  const numbering = numberingOffsets(candidates, minRepeats);
  return candidates.map((page, p) => {
    const found = new Set<number>();
    for (const c of page) {
      const line = pages[p]!.lines[c.index]!;
      if (!numbering.fits(line.text.trim(), p + 1)) continue;
      const small = line.size <= bodySize * 1.15 + 0.01;
      const repeated = small && (byKey.get(c.key) ?? 0) >= minRepeats;
      const inSlot = small && c.numberedEdge && (bySlot.get(c.slot) ?? 0) >= minRepeats;
      if (PAGE_NUMBER.test(line.text.trim()) || repeated || inSlot) found.add(c.index);
    }
    return found;
  });
}

/**
 * How the document numbers its pages: the differences between the numbers printed at page edges and
 * the physical page numbers that recur on several pages (one per numbering scheme, such as front
 * matter and body). `fits` tells whether a line that is a lone number agrees with one of them; a
 * lone number that agrees with none (a computed result printed at the foot of a page whose number
 * is in its header) is text. Without any recurring difference every lone number fits.
 */
function numberingOffsets(candidates: readonly Candidate[][], minRepeats: number) {
  const pagesWith = new Map<number, number>();
  candidates.forEach((page, p) => {
    const offsets = new Set(page.flatMap((c) => c.edgeNumbers.map((n) => n - (p + 1))));
    for (const offset of offsets) pagesWith.set(offset, (pagesWith.get(offset) ?? 0) + 1);
  });
  const offsets = new Set([...pagesWith].filter(([, n]) => n >= minRepeats).map(([offset]) => offset));
  return {
    fits(text: string, page: number): boolean {
      if (offsets.size === 0 || !PAGE_NUMBER.test(text)) return true;
      const value = /\d+/.exec(text);
      return value === null || offsets.has(Number(value[0]) - page);
    },
  };
}

/** Arabic numbers at the start and the end of a line's text. */
function endNumbers(text: string): number[] {
  const numbers = [/^\D{0,6}?(\d{1,4})\b/.exec(text)?.[1], /\b(\d{1,4})\D{0,6}$/.exec(text)?.[1]];
  return [...new Set(numbers.filter((n): n is string => n !== undefined).map(Number))];
}

function edgeCandidates(page: FurniturePage): Candidate[] {
  const height = page.top - page.bottom;
  if (!(height > 0)) return [];
  const order = page.lines.map((line, index) => ({ line, index })).sort((a, b) => b.line.y - a.line.y);
  const picked = new Map<number, Candidate>();
  const take = (list: typeof order, inBand: (y: number) => boolean, band: string) => {
    const edgeY = list[0]?.line.y ?? 0;
    const inner = list.find(({ line }) => Math.abs(line.y - edgeY) > 1);
    // A header may be several lines at one height (its title left, its page number right).
    const edgeText = list
      .filter(({ line }) => Math.abs(line.y - edgeY) <= 1)
      .map(({ line }) => line)
      .sort((a, b) => a.x0 - b.x0)
      .map((line) => line.text.trim())
      .join(' ');
    const numbers = endNumbers(edgeText);
    for (const { line, index } of list.slice(0, EDGE_LINES)) {
      if (!inBand(line.y) || line.text.length > MAX_CHARS) break;
      const outermost = Math.abs(line.y - edgeY) <= 1;
      const apart = !inner || Math.abs(inner.line.y - edgeY) >= line.size * 1.5;
      picked.set(index, {
        index,
        key: `${band}|${Math.round(line.size)}|${furnitureKey(line.text)}`,
        slot: `${band}|${Math.round(line.y / 2)}`,
        numberedEdge: outermost && apart && NUMBER_AT_END.test(edgeText),
        edgeNumbers: outermost ? numbers : [],
      });
    }
  };
  take(order, (y) => y >= page.top - height * BAND, 'top');
  take([...order].reverse(), (y) => y <= page.bottom + height * BAND, 'bottom');
  return [...picked.values()];
}
