/**
 * Ground truth about a PDF's layout for the ingest benchmark, from PDF.js visual lines and the PDF
 * outline, independent of the product:
 *
 * - Hyphen breaks: a line ending in `letters-` followed by a line starting with a lowercase word,
 *   where the joined word also occurs unbroken somewhere in the document and the hyphenated form
 *   never occurs inside a line ("corre-/sponding", not "non-/free"). Ambiguous breaks are left out.
 * - TOC pages: pages with at least 5 dot-leader lines ending in a page number (tables of contents and
 *   dotted indexes).
 */
import type { PdfLine, PdfOutlineEntry } from './pdf-pages.js';
import { squash } from '../grounding/match.js';

export interface HyphenBreak {
  page: number;
  first: string;
  second: string;
}

export function hyphenBreaks(
  pages: ReadonlyArray<{ page: number; lines: readonly PdfLine[] }>,
): HyphenBreak[] {
  const words = new Set<string>();
  const hyphenated = new Set<string>();
  for (const p of pages) {
    for (const l of p.lines) {
      for (const w of l.text.toLowerCase().match(/[\p{L}]+(?:-[\p{L}]+)*/gu) ?? []) {
        if (w.includes('-')) hyphenated.add(w);
        else words.add(w);
      }
    }
  }
  const breaks: HyphenBreak[] = [];
  for (const p of pages) {
    for (let i = 0; i + 1 < p.lines.length; i++) {
      const end = /(?:^|[^\p{L}-])(\p{L}+)-$/u.exec(p.lines[i]!.text);
      const start = /^(\p{Ll}+)/u.exec(p.lines[i + 1]!.text);
      if (!end || !start) continue;
      const [first, second] = [end[1]!, start[1]!];
      const joined = (first + second).toLowerCase();
      if (words.has(joined) && !hyphenated.has(`${first}-${second}`.toLowerCase())) {
        breaks.push({ page: p.page, first, second });
      }
    }
  }
  return breaks;
}

/** Whether `text` still holds the break split (`corre-` then `sponding`, any whitespace between). */
export function holdsBreak(text: string, b: Pick<HyphenBreak, 'first' | 'second'>): boolean {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${escape(b.first)}-\\s*${escape(b.second)}`, 'iu').test(text);
}

const DOT_LEADER_LINE = /(?:\.\s?){3,}\s*\d+\s*$/;

export function tocPages(pages: ReadonlyArray<{ page: number; lines: readonly PdfLine[] }>): number[] {
  return pages
    .filter((p) => p.lines.filter((l) => DOT_LEADER_LINE.test(l.text)).length >= 5)
    .map((p) => p.page);
}

/**
 * Outline entries of the PDF that the product's stored outline also has: same title (case,
 * whitespace and typography ignored; a leading section number may be on either side only) and the
 * same start page.
 */
export function outlineFound(
  pdf: readonly PdfOutlineEntry[],
  stored: ReadonlyArray<{ title: string; pageStart: number }>,
): number {
  const key = (title: string) => squash(title).replace(/^\d+(?:\.\d+)*\.?/, '');
  const have = new Set(stored.map((e) => `${key(e.title)}@${e.pageStart}`));
  return pdf.filter((e) => e.page !== null && have.has(`${key(e.title)}@${e.page}`)).length;
}
