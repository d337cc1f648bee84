/**
 * Ground truth for running headers, footers and page numbers of a PDF, defined independently of the
 * product from PDF.js visual lines (bench/corpus/pdf-pages.ts):
 *
 * - Each page's band is its topmost and its bottommost visual line.
 * - A band line's key is the line lowercased with every run of digits masked (`Chapter 4: Files 13`
 *   → `chapter #: files #`; a line that is only a roman numeral counts as a number).
 * - A key is running when it is a band line on at least 3 pages and on at least 30% of the pages
 *   from its first to its last occurrence. The span (not the whole document) lets a chapter's own
 *   header count; scattered content that happens to open or close a few pages (`Syntax:`, `}`) does not.
 * - A running line splits into its text (the line without standalone numbers, e.g. `Chapter 4:
 *   Files`) and its page numbers (`13`).
 *
 * A text (a chunk, a quoted sentence) "holds" a running line of one of its pages when it contains the
 * line's text (at least 6 characters; case, whitespace and typography ignored), or holds the page
 * number as a standalone token — in both cases only when the pages' body text (every visual line that
 * is not running) does not contain it too, so a passage that really mentions `gnuplot 5.4` or the
 * number 13 is not counted.
 */
import { squash } from '../grounding/match.js';
import type { PdfPage } from './pdf-pages.js';

export interface PageRunningLines {
  /** Running header/footer texts of the page, without their page numbers. */
  texts: string[];
  /** Page numbers printed in the page's running lines. */
  numbers: string[];
  /** The page's body: every visual line that is not running, joined by newlines. */
  body: string;
}

export type RunningLines = ReadonlyMap<number, PageRunningLines>;

const MIN_PAGES = 3;
const MIN_DENSITY = 0.3;
const MIN_TEXT_CHARS = 6;
const ROMAN = /^[ivxlcdm]+$/i;

export function lineKey(line: string): string {
  const flat = line.toLowerCase().replace(/\s+/g, ' ').trim();
  return ROMAN.test(flat) ? '#' : flat.replace(/\d+/g, '#');
}

/** The running lines of every page (by 1-based page number). */
export function findRunningLines(pages: readonly Pick<PdfPage, 'page' | 'lines'>[]): RunningLines {
  const occurrences = new Map<string, number[]>();
  const bandOf = (p: Pick<PdfPage, 'lines'>) =>
    p.lines.length === 0 ? [] : [...new Set([p.lines[0]!.text, p.lines[p.lines.length - 1]!.text])];
  for (const p of pages) {
    for (const key of new Set(bandOf(p).map(lineKey))) {
      occurrences.set(key, [...(occurrences.get(key) ?? []), p.page]);
    }
  }
  const running = new Set<string>();
  for (const [key, on] of occurrences) {
    if (key !== '#' && !/\p{L}/u.test(key)) continue;
    const span = on[on.length - 1]! - on[0]! + 1;
    if (on.length >= MIN_PAGES && on.length >= MIN_DENSITY * span) running.add(key);
  }
  const result = new Map<number, PageRunningLines>();
  for (const p of pages) {
    const band = new Set(bandOf(p).filter((line) => running.has(lineKey(line))));
    const texts: string[] = [];
    const numbers: string[] = [];
    for (const line of band) {
      const tokens = line.split(/\s+/);
      const isNumber = (t: string) => /^\d+$/.test(t) || (tokens.length === 1 && ROMAN.test(t));
      numbers.push(...tokens.filter(isNumber));
      const text = tokens.filter((t) => !isNumber(t)).join(' ');
      if (squash(text).length >= MIN_TEXT_CHARS) texts.push(text);
    }
    // Only the band lines themselves: the same text elsewhere on the page (a result "4" printed
    // mid-page when the foot of the page holds another "4") is body text.
    const last = p.lines.length - 1;
    const body = p.lines
      .filter((l, i) => !((i === 0 || i === last) && band.has(l.text)))
      .map((l) => l.text)
      .join('\n');
    result.set(p.page, { texts, numbers, body });
  }
  return result;
}

export interface RunningLineHit {
  kind: 'header_footer' | 'page_number';
  page: number;
  line: string;
}

/** The running lines of `pages` that `text` holds (see the module comment for the rule). */
export function runningLineHits(
  text: string,
  pages: readonly number[],
  running: RunningLines,
): RunningLineHit[] {
  const known = pages.flatMap((p) => {
    const r = running.get(p);
    return r ? [{ page: p, ...r }] : [];
  });
  const body = known.map((r) => r.body).join('\n');
  const squashedText = squash(text);
  const squashedBody = squash(body);
  const hits: RunningLineHit[] = [];
  for (const r of known) {
    for (const line of r.texts) {
      const s = squash(line);
      if (squashedText.includes(s) && !squashedBody.includes(s)) {
        hits.push({ kind: 'header_footer', page: r.page, line });
      }
    }
    for (const n of r.numbers) {
      if (hasToken(text, n) && !hasToken(body, n)) hits.push({ kind: 'page_number', page: r.page, line: n });
    }
  }
  return hits;
}

/** A table-of-contents style dot leader: four or more dots, spaced or not (`. . . .`, `....`). */
export function hasDotLeader(text: string): boolean {
  return /(?:\.[ \t]*){4,}/.test(text);
}

/** `token` standing alone in `text`: not part of a longer number, word or decimal. */
function hasToken(text: string, token: string): boolean {
  const escaped = token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}.,])${escaped}(?![\\p{L}\\p{N}]|[.,]\\p{N})`, 'iu').test(text);
}
