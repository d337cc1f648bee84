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
 *
 * A running line runs beside the text of the page: only pages that hold other text (not running
 * lines, not page numbers) count as its repeats, and a line that is the whole text of its page is
 * kept. A document whose every page holds the same one line is that line, page after page.
 */
export function findFurniture(pages: readonly FurniturePage[], bodySize: number): Set<number>[] {
  const candidates = pages.map(edgeCandidates);
  const minRepeats = pages.length >= 6 ? 3 : 2;
  const numbering = numberingOffsets(candidates, minRepeats);
  const lineOf = (p: number, c: Candidate) => pages[p]!.lines[c.index]!;
  const runningBy = (counts: RepeatCounts) => (p: number, c: Candidate) =>
    lineOf(p, c).size <= bodySize * 1.15 + 0.01 &&
    ((counts.byKey.get(c.key) ?? 0) >= minRepeats ||
      (c.numberedEdge && (counts.bySlot.get(c.slot) ?? 0) >= minRepeats));
  const seemsRunning = runningBy(repeatCounts(candidates, () => true));
  const besideText = pages.map((page, p) => holdsOtherText(page, candidates[p]!, (c) => seemsRunning(p, c)));
  const running = runningBy(repeatCounts(candidates, (p) => besideText[p]!));
  return candidates.map((page, p) => {
    const found = new Set<number>();
    const wholeText = pages[p]!.lines.filter((line) => TEXT.test(line.text)).length <= 1;
    for (const c of page) {
      const text = lineOf(p, c).text.trim();
      if (!numbering.fits(text, p + 1)) continue;
      if (PAGE_NUMBER.test(text) || (!wholeText && running(p, c))) found.add(c.index);
    }
    return found;
  });
}

const TEXT = /[\p{L}\p{N}]/u;

interface RepeatCounts {
  /** Pages on which each key appears. */
  byKey: Map<string, number>;
  /** Pages on which each slot holds a line numbered at its edge. */
  bySlot: Map<string, number>;
}

/** How many of the pages that `counted` admits each key and each numbered slot appear on. */
function repeatCounts(candidates: readonly Candidate[][], counted: (page: number) => boolean): RepeatCounts {
  const pagesPer = (pick: (c: Candidate) => string | null) => {
    const counts = new Map<string, number>();
    candidates.forEach((page, p) => {
      if (!counted(p)) return;
      const keys = new Set(page.map(pick).filter((k): k is string => k !== null));
      for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    });
    return counts;
  };
  return { byKey: pagesPer((c) => c.key), bySlot: pagesPer((c) => (c.numberedEdge ? c.slot : null)) };
}

/** Whether the page has a line of text that is neither a page number nor (by `running`) furniture. */
function holdsOtherText(
  page: FurniturePage,
  candidates: readonly Candidate[],
  running: (c: Candidate) => boolean,
): boolean {
  const furniture = new Set(candidates.filter(running).map((c) => c.index));
  return page.lines.some(
    (line, i) => !furniture.has(i) && TEXT.test(line.text) && !PAGE_NUMBER.test(line.text.trim()),
  );
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
