import type { PageKind } from '@classchat/contracts';
import {
  appendInserted,
  appendRaw,
  appendSlice,
  emptyMapped,
  type MappedText,
} from '../structure/mapped-text.js';
import type { BlockKind, TextBlock } from '../structure/types.js';
import type { PdfLine } from './lines.js';

/**
 * A page's lines (running headers and footers already removed) grouped into blocks: headings,
 * paragraphs (lines joined with spaces, words hyphenated at a line end joined) and blocks of lines
 * (code in a fixed-pitch font keeps its lines and indentation; contents and index pages keep their
 * entries one per line).
 */

/** What the whole document's text looks like, for telling headings from body text. */
export interface TextStats {
  bodySize: number;
  bodyFont: string;
}

/** A block and the layout facts the document-level passes need. */
export interface LayoutBlock extends TextBlock {
  /** Top edge of the first line (baseline + size). */
  top: number;
  size: number;
  font: string;
}

const TERMINAL = /[.!?:;]["'”’)\]]*$/;
const LIST_ITEM = /^(?:[•◦▪‣∙·●○■□–—*-]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s/;
const BULLET = /^[•◦▪‣∙·●○■□]/;
const NUMBERED =
  /^(?:(?:chapter|part|appendix|section|lecture|unit|module|lesson)\s+(?:\d+|[ivxlcdm]+|[a-z])\b|\d{1,3}(?:\.\d{1,3}){0,4}\.?\s+\S|[A-Z](?:\.\d{1,3}){1,4}\.?\s+\S)/i;

/** A heading's numbering depth ("2" → 1, "2.5" → 2, "Chapter 6" → 1); null when not numbered. */
export function numberingDepth(text: string): number | null {
  const t = text.trim();
  if (!NUMBERED.test(t)) return null;
  if (/^(?:chapter|part|appendix|lecture|unit|module|lesson)\b/i.test(t)) return 1;
  const m = /^(?:section\s+)?([A-Z]|\d{1,3})((?:\.\d{1,3})*)/i.exec(t);
  return m ? 1 + (m[2]!.match(/\./g)?.length ?? 0) : 1;
}

/** A line that reads as a heading: larger than body text, or numbered and set apart by its font. */
export function isHeadingLine(line: PdfLine, stats: TextStats): boolean {
  const text = line.text;
  if (line.mono || text.length < 2 || text.length > 120 || !/\p{L}/u.test(text)) return false;
  const numbered = numberingDepth(text) !== null;
  if (/[,;]$/.test(text) || (/[.:]$/.test(text) && !numbered)) return false;
  const big = line.size >= stats.bodySize * 1.15;
  return big || (numbered && line.font !== stats.bodyFont && line.size >= stats.bodySize * 0.95);
}

interface Group {
  kind: BlockKind;
  lines: PdfLine[];
}

/**
 * The largest (or smallest) `value` of the lines, by a loop: `Math.max(...values)` passes each value
 * as an argument, and a page of some 100,000 lines (a valid, hostile PDF) overflows the stack.
 */
function extreme(
  lines: readonly PdfLine[],
  value: (line: PdfLine) => number,
  pick: (a: number, b: number) => number,
): number {
  let best = value(lines[0]!);
  for (let i = 1; i < lines.length; i++) best = pick(best, value(lines[i]!));
  return best;
}

/** The document's words, built on first use (only a hyphen at a line end needs them). */
export type Vocabulary = () => ReadonlySet<string>;

export function pageBlocks(
  lines: readonly PdfLine[],
  kind: PageKind,
  stats: TextStats,
  vocabulary: Vocabulary,
): LayoutBlock[] {
  const spacing = lineSpacing(lines, stats.bodySize);
  const step = sentenceStep(lines, spacing);
  const right = extreme(lines, (l) => l.x1, Math.max);
  const groups: Group[] = [];
  let current = null as Group | null;
  for (const [i, line] of lines.entries()) {
    // Contents and index pages keep their entries as lines; only a title above them (larger than
    // body text) stays a heading.
    const heading = isHeadingLine(line, stats) && (kind === 'body' || line.size >= stats.bodySize * 1.3);
    const prev = current?.lines.at(-1);
    const inline =
      line.mono &&
      current?.kind === 'paragraph' &&
      prev !== undefined &&
      codeInProse(prev, line, lines[i + 1], step, right);
    const lineKind: BlockKind = heading
      ? 'heading'
      : kind !== 'body' || (line.mono && !inline)
        ? 'lines'
        : 'paragraph';
    const continues =
      inline ||
      (current !== null &&
        prev !== undefined &&
        current.kind === lineKind &&
        (lineKind === 'lines'
          ? prev.mono === line.mono && gap(prev, line) <= spacing * 2.6
          : lineKind === 'heading'
            ? Math.abs(prev.size - line.size) < 0.5 && gap(prev, line) <= line.size * 1.7
            : continuesParagraph(prev, line, spacing, right)));
    if (continues) current!.lines.push(line);
    else {
      current = { kind: lineKind, lines: [line] };
      groups.push(current);
    }
  }
  return groups.map((g) => buildBlock(g, spacing, vocabulary));
}

/** Vertical distance from `a`'s baseline down to `b`'s (negative when `b` is higher: a new column). */
const gap = (a: PdfLine, b: PdfLine) => a.y - b.y;

function lineSpacing(lines: readonly PdfLine[], bodySize: number): number {
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const g = gap(lines[i - 1]!, lines[i]!);
    const size = lines[i]!.size;
    if (g > size * 0.9 && g < size * 2.5) gaps.push(g);
  }
  if (gaps.length === 0) return bodySize * 1.2;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}

/**
 * A fixed-pitch line that is part of the sentence around it, not a code display: a command, name
 * or address the typesetter set on a line of its own ("… by running the command" / "make install"
 * / "in the build directory."). A display is set apart by the layout: the line above ends its
 * sentence (often with a colon), or stops short although the display's first word would have fitted
 * on it; space is set above the display, or it is indented; a listing has several fixed-pitch lines.
 * A fragment follows at the step between a sentence's lines, at the paragraph's margin (or, pushed
 * down by the line above being full, at a hanging indent, as a definition list's text), and the
 * sentence visibly goes on through it: it ends the sentence or a clause, or the next line carries on
 * in lower case.
 */
function codeInProse(
  prev: PdfLine,
  line: PdfLine,
  next: PdfLine | undefined,
  step: number,
  right: number,
): boolean {
  if (prev.mono || TERMINAL.test(prev.text) || !atLineStep(prev, line, step)) return false;
  if (next?.mono && atLineStep(line, next, step)) return false; // a listing
  const margin = wrapped(prev, line, right) ? Math.max(prev.x0, line.x0) : prev.x0;
  if (line.x0 > margin + line.size * 0.8) return false; // indented: a display
  if (/[.!?,;]["'”’)\]]*$/.test(line.text)) return true; // it ends (a clause of) the sentence
  return (
    next !== undefined &&
    atLineStep(line, next, step) &&
    next.x0 <= margin + line.size * 0.8 &&
    /^(?:\p{Ll}|[,.;:)\]])/u.test(next.text)
  );
}

/** The next line of running text: a sentence's usual step below, no space set above it. */
const atLineStep = (above: PdfLine, below: PdfLine, step: number) => {
  const g = gap(above, below);
  return g >= below.size * 0.5 && g <= step * 1.1;
};

/**
 * The line's first word would not have fitted at the end of the line above: the typesetter broke
 * there only because that line was full, so the two lines are one run of text.
 */
function wrapped(prev: PdfLine, line: PdfLine, right: number): boolean {
  const word = /^\S+/.exec(line.text)?.[0] ?? '';
  const charWidth = line.charWidth > 0 ? line.charWidth : (line.x1 - line.x0) / Math.max(1, line.text.length);
  return prev.x1 + line.size * 0.25 + word.length * charWidth > right;
}

/**
 * The step from one line of a sentence to the next: between prose lines where the first does not
 * end its sentence. Not the page's usual gap, which on a page full of displays is the display's.
 */
function sentenceStep(lines: readonly PdfLine[], spacing: number): number {
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const [a, b] = [lines[i - 1]!, lines[i]!];
    const g = gap(a, b);
    if (!a.mono && !b.mono && !TERMINAL.test(a.text) && g > b.size * 0.9 && g < b.size * 2.5) gaps.push(g);
  }
  if (gaps.length === 0) return spacing;
  gaps.sort((x, y) => x - y);
  return gaps[Math.floor(gaps.length / 2)]!;
}

function continuesParagraph(prev: PdfLine, line: PdfLine, spacing: number, right: number): boolean {
  if (Math.abs(prev.size - line.size) > Math.max(0.5, prev.size * 0.1)) return false;
  const ended = TERMINAL.test(prev.text);
  // "n) where n is …", "z. The …": a letter or number the line above had no room for reads like a
  // list marker, but the sentence goes on through it. A bullet always starts an item.
  const marker = LIST_ITEM.exec(line.text)?.[0];
  if (marker && (BULLET.test(marker) || ended || !wrapped(prev, line, right))) return false;
  const g = gap(prev, line);
  if (g < -line.size || g > spacing * 1.45) {
    // A jump up (next column) or a wide gap: only a sentence that visibly runs on continues.
    return g < -line.size && !ended && /^\p{Ll}/u.test(line.text);
  }
  if (g < line.size * 0.5) return true; // the same line, split by the content order
  const shortLast = prev.x1 < right - line.size * 2;
  if (ended && shortLast) return false;
  if (ended && line.x0 > prev.x0 + line.size * 0.8) return false; // a first-line indent
  return true;
}

function buildBlock(group: Group, spacing: number, vocabulary: Vocabulary): LayoutBlock {
  const first = group.lines[0]!;
  const text = emptyMapped();
  if (group.kind === 'lines') joinAsLines(text, group.lines, spacing);
  else {
    appendSlice(text, first, 0, first.text.length);
    for (let i = 1; i < group.lines.length; i++) {
      joinRunningText(text, group.lines[i - 1]!, group.lines[i]!, vocabulary);
    }
  }
  return {
    kind: group.kind,
    page: first.page,
    ...text,
    top: first.y + first.size,
    size: extreme(group.lines, (l) => l.size, Math.max),
    font: first.font,
  };
}

/** Lines kept as lines; fixed-pitch lines keep their indentation (as spaces) and blank lines. */
function joinAsLines(text: MappedText, lines: readonly PdfLine[], spacing: number): void {
  const left = extreme(lines, (l) => l.x0, Math.min);
  lines.forEach((line, i) => {
    if (i > 0) {
      const prev = lines[i - 1]!;
      const blank = Math.min(2, Math.max(0, Math.round(gap(prev, line) / spacing) - 1));
      if (prev.eol >= 0) appendRaw(text, '\n', prev.page, prev.eol);
      else appendInserted(text, '\n');
      appendInserted(text, '\n'.repeat(blank));
    }
    const indent = line.mono && line.charWidth > 0 ? Math.round((line.x0 - left) / line.charWidth) : 0;
    const anchor = { page: line.page, pageOffset: line.map[0]![2] };
    appendInserted(text, ' '.repeat(Math.min(indent, 40)), anchor);
    if (line.mono) appendSlice(text, line, 0, line.text.length);
    else appendWithoutLeaders(text, line);
  });
}

const LEADER_RUN = /\s*(?:\.\s?){3,}\s*(?=\S)|\s*…{2,}\s*(?=\S)/g;

/** A contents or index entry with its dot leaders shortened to one space ("Vectors 5"). */
function appendWithoutLeaders(text: MappedText, line: MappedText): void {
  let from = 0;
  for (const m of line.text.matchAll(LEADER_RUN)) {
    if (m.index === 0) continue;
    appendSlice(text, line, from, m.index);
    appendInserted(text, ' ');
    from = m.index + m[0].length;
  }
  appendSlice(text, line, from, line.text.length);
}

const HYPHENS = new Set(['-', '\u2010', '\u00ad']);

/**
 * Appends `line` to running text that ends with `prev`: with a space (the raw line break), or, for
 * a word hyphenated across the line end, joined — without the hyphen unless the document spells
 * the word with one elsewhere and never without.
 */
export function joinRunningText(
  text: MappedText,
  prev: Pick<PdfLine, 'page' | 'eol'> | null,
  line: MappedText,
  vocabulary: Vocabulary,
): void {
  const last = text.text.at(-1) ?? '';
  const beforeLast = text.text.at(-2) ?? '';
  if (HYPHENS.has(last) && /\p{L}/u.test(beforeLast) && /^[\p{L}\p{N}]/u.test(line.text)) {
    const head = /\p{L}+$/u.exec(text.text.slice(0, -1))?.[0] ?? '';
    const tail = /^\p{L}+/u.exec(line.text)?.[0] ?? '';
    const lowerTail = /^\p{Ll}/u.test(tail);
    const compound = `${head}-${tail}`.toLowerCase();
    const keepHyphen =
      last !== '\u00ad' &&
      (!lowerTail || (vocabulary().has(compound) && !vocabulary().has(`${head}${tail}`.toLowerCase())));
    if (!keepHyphen) truncate(text, text.text.length - 1);
    appendSlice(text, line, 0, line.text.length);
    return;
  }
  if (continuesUrl(text.text, line.text)) {
    appendSlice(text, line, 0, line.text.length);
    return;
  }
  if (prev && prev.eol >= 0) appendRaw(text, ' ', prev.page, prev.eol);
  else appendInserted(text, ' ');
  appendSlice(text, line, 0, line.text.length);
}

/**
 * A web address broken at a line end ("https://" / "www.gnu.org/…", "https://lists." /
 * "gnu.org/mailman/…"): typesetters break long addresses after a slash or a dot, with no hyphen, and
 * a space there would cut the address in two (a dead link, half an address quoted). Only a break
 * after `/` or `.` inside an address, before a line that goes on with more of one, is joined: an
 * address that ends a sentence ("see https://gnu.org." then "Then…") keeps its space.
 */
export function continuesUrl(before: string, next: string): boolean {
  // Only the end of the paragraph so far is looked at: it is joined line after line.
  const url = /(?:^|\s)(?:https?|ftp):\/\/\S*$/i.exec(before.slice(-300))?.[0].trim();
  if (!url || !/[/.]$/.test(url)) return false;
  const head = /^\S+/.exec(next)?.[0] ?? '';
  if (url.endsWith('://')) return /^[\p{L}\p{N}]/u.test(head);
  // After a path's slash, a plain word ("and") may be the sentence going on: only a path piece joins.
  if (url.endsWith('/')) return /^[\p{L}\p{N}~_%-]\S*[-_.~%/]/u.test(head);
  return /^[\p{Ll}\p{N}][\p{L}\p{N}-]*[./]\S/u.test(head);
}

/** Cuts mapped text to its first `length` characters. */
export function truncate(text: MappedText, length: number): void {
  text.text = text.text.slice(0, length);
  while (text.map.length > 0 && text.map[text.map.length - 1]![0] >= length) text.map.pop();
}

/** Words of the document (lowercased), hyphenated compounds included, for hyphen decisions. */
export function vocabularyOf(lines: Iterable<{ text: string }>): Vocabulary {
  let built: Set<string> | null = null;
  return () => (built ??= wordsOf(lines));
}

function wordsOf(lines: Iterable<{ text: string }>): Set<string> {
  const words = new Set<string>();
  for (const line of lines) {
    for (const m of line.text.matchAll(/\p{L}+(?:[-\u2010'’]\p{L}+)*/gu)) {
      words.add(m[0].toLowerCase().replaceAll('\u2010', '-'));
    }
  }
  return words;
}
