import type { DocumentStructure } from './types.js';

/**
 * A manual's back-of-book index is a vocabulary map made by its authors: "legend, 158, 162" says
 * that page 158 is where the manual treats legends, even when that page calls them a "key". Read at
 * ingestion, it tells full-text ranking which pages a question's word is *about*, beyond the pages
 * that merely contain it.
 *
 * An entry is a line of an index page that ends in page numbers: "legend, 158, 162",
 * "label . . . . . 11, 18, 143" (dot leaders), "error messages, formatting 9" (a qualified entry),
 * "sorting 12–14" (a range). Letter headings ("I"), entries wrapped over two lines and subentries
 * without numbers are skipped. The numbers are the page numbers printed on the pages, mapped to
 * physical pages through the numbers the layout found at the page edges (`pageNumbers`).
 */

export interface IndexEntry {
  /** The entry's words as printed ("error messages, formatting"). */
  heading: string;
  /** Printed page numbers, in the order listed. */
  pages: number[];
}

/** A range longer than this ("1–300") is a whole part of the book, not a place. */
const MAX_RANGE = 10;
const LEADERS = /(?:\s*\.){2,}\s*(?=\d)/g;
const ENTRY = /^(.*?[^\d\s,.].*?)[\s,]+(\d{1,4}(?:\s*[-–]\s*\d{1,4})?(?:\s*,\s*\d{1,4}(?:\s*[-–]\s*\d{1,4})?)*)\s*$/u;

/** The entry a line of an index page holds, or null when it holds none. */
export function indexEntryOf(line: string): IndexEntry | null {
  const match = ENTRY.exec(line.replace(LEADERS, ' ').trim());
  if (!match) return null;
  const heading = match[1]!.replace(/[\s,.;:]+$/, '').trim();
  if (heading.length === 0) return null;
  const pages: number[] = [];
  for (const part of match[2]!.split(',')) {
    const [from, to] = part.split(/[-–]/).map((n) => Number(n.trim()));
    if (to === undefined) pages.push(from!);
    else if (to >= from! && to - from! <= MAX_RANGE) for (let p = from!; p <= to; p++) pages.push(p);
    else pages.push(from!);
  }
  return { heading, pages };
}

/**
 * For each physical page (1-based) the headings of the index entries that list it. Empty when the
 * document has no index pages or its printed page numbers are unknown (the index's numbers could not
 * be placed).
 */
export function indexHeadingsByPage(doc: DocumentStructure): Map<number, string[]> {
  const byPage = new Map<number, string[]>();
  const physical = physicalPages(doc.pageNumbers ?? []);
  if (physical.size === 0) return byPage;
  for (const block of doc.blocks) {
    if (doc.pageKinds[block.page - 1] !== 'index' || block.kind === 'heading') continue;
    for (const line of entryLines(block.text)) {
      const entry = indexEntryOf(line);
      if (!entry) continue;
      if (entry.pages.length > Number(process.env.IDX_MAXPAGES ?? 1000)) continue;
      if (process.env.IDX_ONEWORD && /[\s,]/.test(entry.heading)) continue;
      for (const printed of new Set(entry.pages)) {
        const page = physical.get(printed);
        if (page === undefined || doc.pageKinds[page - 1] !== 'body') continue;
        const headings = byPage.get(page) ?? [];
        headings.push(entry.heading);
        byPage.set(page, headings);
      }
    }
  }
  return byPage;
}

/** The text's lines, a line ending in a comma joined with the next (an entry's numbers wrapped). */
function entryLines(text: string): string[] {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const last = lines.at(-1);
    if (last !== undefined && /,\s*$/.test(last) && /^\s*\d/.test(line)) lines[lines.length - 1] = `${last} ${line}`;
    else lines.push(line);
  }
  return lines;
}

/** Printed page number → physical page (the first page printed with it). */
function physicalPages(pageNumbers: readonly (number | null)[]): Map<number, number> {
  const physical = new Map<number, number>();
  pageNumbers.forEach((printed, i) => {
    if (printed !== null && !physical.has(printed)) physical.set(printed, i + 1);
  });
  return physical;
}

/**
 * The words the index attaches to a chunk on pages `from`..`to`: the headings of the entries listing
 * any of them, each word once (lower case), or null when none does.
 */
export function indexWordsOf(byPage: ReadonlyMap<number, readonly string[]>, from: number, to: number): string | null {
  const words = new Set<string>();
  for (let page = from; page <= to; page++) {
    for (const heading of byPage.get(page) ?? []) {
      for (const word of heading.toLowerCase().split(/[\s,;]+/)) if (word.length > 0) words.add(word);
    }
  }
  return words.size > 0 ? [...words].join(' ') : null;
}
