import type { ChunkInput } from '@classchat/db';
import { spanOnFirstPageOf } from '../citations/source-map.js';
import { countTokens } from '../prompts/tokens.js';
import {
  appendInserted,
  appendSlice,
  emptyMapped,
  positionOf,
  type MappedText,
} from './structure/mapped-text.js';
import { sectionStacks } from './structure/sections.js';
import { pagesStructure } from './structure/text-formats.js';
import type { DocumentStructure, TextBlock } from './structure/types.js';

/**
 * Splitting a document's reading structure into retrieval chunks (pure; no I/O).
 *
 * - Units are sentences of paragraphs (`Intl.Segmenter`), whole headings, and groups of whole lines
 *   of code and other line blocks; a unit longer than `maxUnitChars` is cut at whitespace.
 * - Units are packed up to `maxTokens` (gpt-tokenizer, o200k_base). A full chunk ends at the last
 *   paragraph boundary when that keeps it at least 60% full, otherwise between sentences, and then
 *   the next chunk starts with the last ~`overlapRatio` of its tokens (whole sentences, same page and
 *   section).
 * - A section boundary always ends a chunk, except after headings alone (a heading stays with the
 *   text it introduces); so does a change between body and contents/index pages. A page boundary
 *   ends a chunk that already holds `minTokensAtPageBreak` tokens, so chunks normally stay on one
 *   page; a small remainder (a heading, the tail of a page, a sentence running over the page break)
 *   continues on the next page (`pageStart` < `pageEnd`).
 * - `charStart`/`charEnd` are offsets in `pageStart`'s raw text (what the viewer's text layer shows)
 *   of the chunk's part on that page. The chunk's text is the cleaned text (running headers left
 *   out, hyphenated words joined, blocks separated by a blank line); where it is not the page's raw
 *   text from `charStart` on character for character, `sourceMap` says where each character is.
 */

export interface ChunkOptions {
  /** Upper bound of a chunk's tokens (except a single unit that cannot be cut further). */
  maxTokens: number;
  /** Share of a full chunk repeated at the start of the next one. */
  overlapRatio: number;
  /** A chunk this large is closed at the page's end instead of continuing on the next page. */
  minTokensAtPageBreak: number;
  /** Units longer than this are cut at whitespace into pieces of about this size. */
  maxUnitChars: number;
}

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = {
  maxTokens: 800,
  overlapRatio: 0.15,
  minTokensAtPageBreak: 120,
  maxUnitChars: 1200,
};

/** A chunk as the chunks repository stores it (1-based physical pages), before any embedding. */
export type Chunk = Omit<ChunkInput, 'embedding'>;

/** A sentence, heading or group of lines: `[start, end)` in its block's text. */
export interface Unit {
  block: number;
  start: number;
  end: number;
  tokens: number;
  /** Page of the unit's first character. */
  page: number;
  heading: boolean;
}

const SENTENCES = new Intl.Segmenter('en', { granularity: 'sentence' });
const WHITESPACE = /\s/;

/** The units of one block, in order, trimmed of surrounding whitespace. */
export function splitUnits(block: TextBlock, index: number, maxUnitChars: number): Unit[] {
  const text = block.text;
  const spans: Array<[number, number]> = [];
  if (block.kind === 'heading') spans.push([0, text.length]);
  else if (block.kind === 'lines') spans.push(...lineGroups(text, maxUnitChars));
  else {
    // The segmenter ends a sentence at every line break; a paragraph's single line breaks (kept in
    // Markdown and plain text) are not sentence ends. Same length, so the offsets hold.
    for (const span of sentenceSpans(text.replace(/\n(?![ \t]*\n)/g, ' '))) spans.push(span);
  }
  const units: Unit[] = [];
  const trimStart = block.kind === 'lines' ? /[\n\r]/ : WHITESPACE;
  for (const [rawStart, rawEnd] of spans) {
    let start = rawStart;
    let end = rawEnd;
    while (start < end && trimStart.test(text[start]!)) start++;
    while (end > start && WHITESPACE.test(text[end - 1]!)) end--;
    if (start === end) continue;
    for (const [s, e] of cutLong(text, start, end, maxUnitChars)) {
      units.push({
        block: index,
        start: s,
        end: e,
        tokens: countTokens(text.slice(s, e)),
        page: positionOf(block, s).page,
        heading: block.kind === 'heading',
      });
    }
  }
  return units;
}

/** Characters segmented at once; see {@link sentenceSpans}. */
const SEGMENT_WINDOW = 8_000;

/**
 * The sentences of `text` as `[start, end)` spans. V8's `Intl.Segmenter` gets slower with the length
 * of the string it walks (each step re-reads it: 2,000 sentences of a 1.6 MB paragraph took 11 s),
 * so a long text is segmented a window at a time: a window's last sentence, which may be cut, is
 * segmented again together with what follows. A window holding no sentence end grows.
 */
export function sentenceSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let base = 0;
  let size = SEGMENT_WINDOW;
  while (base < text.length) {
    const windowEnd = Math.min(text.length, base + size);
    const segments = [...SENTENCES.segment(text.slice(base, windowEnd))];
    const complete = windowEnd === text.length ? segments.length : segments.length - 1;
    if (complete <= 0) {
      size *= 2;
      continue;
    }
    for (const { index, segment } of segments.slice(0, complete)) {
      spans.push([base + index, base + index + segment.length]);
    }
    base = windowEnd === text.length ? windowEnd : base + segments[complete]!.index;
    size = SEGMENT_WINDOW;
  }
  return spans;
}

/** Whole lines grouped up to `max` characters (a longer line is left for `cutLong`). */
function lineGroups(text: string, max: number): Array<[number, number]> {
  const groups: Array<[number, number]> = [];
  let start = 0;
  let end = 0;
  while (end < text.length) {
    let lineEnd = text.indexOf('\n', end);
    lineEnd = lineEnd === -1 ? text.length : lineEnd + 1;
    if (lineEnd - start > max && end > start) {
      groups.push([start, end]);
      start = end;
    }
    end = lineEnd;
  }
  if (start < text.length) groups.push([start, text.length]);
  return groups;
}

/** `[start, end)` cut into pieces of at most ~`max` chars, at whitespace when there is any. */
function cutLong(text: string, start: number, end: number, max: number): Array<[number, number]> {
  const pieces: Array<[number, number]> = [];
  let s = start;
  while (end - s > max) {
    let cut = s + max;
    const lastSpace = lastWhitespace(text, s + Math.floor(max / 2), cut);
    if (lastSpace > s) cut = lastSpace;
    else if (isLowSurrogate(text.charCodeAt(cut))) cut--; // never split a surrogate pair
    let pieceEnd = cut;
    while (pieceEnd > s && WHITESPACE.test(text[pieceEnd - 1]!)) pieceEnd--;
    pieces.push([s, pieceEnd]);
    s = cut;
    while (s < end && WHITESPACE.test(text[s]!)) s++;
  }
  if (s < end) pieces.push([s, end]);
  return pieces;
}

function lastWhitespace(text: string, from: number, to: number): number {
  for (let i = to; i > from; i--) if (WHITESPACE.test(text[i]!)) return i;
  return -1;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Chunks of plain page texts (`pages[0]` is page 1; paragraphs split at blank lines, no sections). */
export function chunkPages(pages: readonly string[], options: Partial<ChunkOptions> = {}): Chunk[] {
  return chunkDocument(pagesStructure(pages), options);
}

/** Chunks of a document's reading structure. Empty documents yield nothing. */
export function chunkDocument(doc: DocumentStructure, options: Partial<ChunkOptions> = {}): Chunk[] {
  const opts = { ...DEFAULT_CHUNK_OPTIONS, ...options };
  const units = doc.blocks.flatMap((block, i) => splitUnits(block, i, opts.maxUnitChars));
  const stacks = sectionStacks(doc.sections, doc.blocks.length);
  const sectionOf = (u: Unit) => stacks[u.block]!.at(-1) ?? -1;
  const kindOf = (u: Unit) => doc.pageKinds[u.page - 1] ?? 'body';
  const before = [0]; // before[k]: tokens of units[0..k)
  for (const u of units) before.push(before.at(-1)! + u.tokens);
  const tokensOf = (from: number, to: number) => before[to]! - before[from]!;

  const chunks: Chunk[] = [];
  const emit = (from: number, to: number) =>
    chunks.push(buildChunk(doc, stacks, units, from, to, chunks.length));

  let start = 0; // first unit of the open chunk
  for (let i = 0; i < units.length; i++) {
    if (i === start) continue;
    const unit = units[i]!;
    const previous = units[i - 1]!;
    const headingsOnly = units.slice(start, i).every((u) => u.heading);
    const tokens = tokensOf(start, i);
    if (
      (sectionOf(unit) !== sectionOf(previous) && !headingsOnly) ||
      kindOf(unit) !== kindOf(previous) ||
      (unit.page > previous.page && tokens >= opts.minTokensAtPageBreak)
    ) {
      emit(start, i);
      start = i;
    } else if (tokens + unit.tokens > opts.maxTokens) {
      const paragraphEnd = lastBlockStart(units, start, i, (j) => tokensOf(start, j) >= opts.maxTokens * 0.6);
      if (paragraphEnd !== -1) {
        emit(start, paragraphEnd);
        start = paragraphEnd;
        i--; // weigh this unit again against the carried paragraph
        continue;
      }
      emit(start, i);
      // The next chunk repeats the last sentences of this one (same page and section as `unit`,
      // about overlapRatio of its tokens) and always starts after this one's start.
      const budget = tokens * opts.overlapRatio;
      let back = i;
      while (
        back - 1 > start &&
        units[back - 1]!.page === unit.page &&
        sectionOf(units[back - 1]!) === sectionOf(unit) &&
        tokensOf(back - 1, i) <= budget
      ) {
        back--;
      }
      start = back;
    }
  }
  if (start < units.length) emit(start, units.length);
  return chunks;
}

/** The last j in (start, i) where a new block begins and `enough(j)` holds; -1 when none. */
function lastBlockStart(
  units: readonly Unit[],
  start: number,
  i: number,
  enough: (j: number) => boolean,
): number {
  for (let j = i - 1; j > start && enough(j); j--) if (units[j]!.block !== units[j - 1]!.block) return j;
  return -1;
}

function buildChunk(
  doc: DocumentStructure,
  stacks: readonly number[][],
  units: readonly Unit[],
  from: number,
  to: number,
  chunkIndex: number,
): Chunk {
  const text: MappedText = emptyMapped();
  const spans: Array<[number, number]> = []; // each unit's place in the chunk's text
  for (let k = from; k < to; k++) {
    const unit = units[k]!;
    const block = doc.blocks[unit.block]!;
    if (k > from) {
      const prev = units[k - 1]!;
      if (prev.block === unit.block) appendSlice(text, block, prev.end, unit.start);
      else appendInserted(text, '\n\n');
    }
    const at = text.text.length;
    appendSlice(text, block, unit.start, unit.end);
    spans.push([at, text.text.length]);
  }
  const first = positionOf(text, 0);
  const last = positionOf(text, Math.max(0, text.text.length - 1));
  const sourceMap = text.map.length > 1 ? text.map : null;
  const mapped = { pageStart: first.page, charStart: first.pageOffset, sourceMap };
  // The chunk's part on its first page ends with the last unit text there (not a separator after it).
  let charEnd = first.pageOffset;
  for (const [s, e] of spans) {
    const span = spanOnFirstPageOf(mapped, s, e);
    if (span.page === first.page) charEnd = Math.max(charEnd, span.charEnd);
  }
  const body = units.slice(from, to).find((u) => !u.heading) ?? units[from]!;
  const stack = stacks[body.block] ?? [];
  const innermost = stack.length > 0 ? doc.sections[stack[stack.length - 1]!] : undefined;
  return {
    chunkIndex,
    pageStart: first.page,
    pageEnd: Math.max(first.page, last.page),
    charStart: first.pageOffset,
    charEnd,
    text: text.text,
    tokenCount: countTokens(text.text),
    sectionPath: stack.map((s) => doc.sections[s]!.title),
    sectionPageStart: innermost?.pageStart ?? null,
    sectionPageEnd: innermost?.pageEnd ?? null,
    pageKind: doc.pageKinds[first.page - 1] ?? 'body',
    sourceMap,
  };
}
