import { countTokens } from 'gpt-tokenizer';
import type { ChunkInput } from '@classchat/db';

/**
 * Splitting a document's pages into retrieval chunks (pure; no I/O).
 *
 * - Units are sentences and paragraphs (never split inside a word); a unit longer than
 *   `maxUnitChars` is cut at whitespace so it can still be packed.
 * - Units are packed greedily up to `maxTokens` (counted with gpt-tokenizer, o200k_base); when a chunk
 *   is full, the next one starts with the last ~`overlapRatio` of its tokens (whole units, same page).
 * - A page boundary closes the open chunk when it already holds `minTokensAtPageBreak` tokens, so
 *   chunks normally stay on one page (precise page citations). Only a small remainder (a heading-only
 *   page, the tail of a page) is carried into the next page: that chunk spans pages
 *   (`pageStart` < `pageEnd`). Overlap never reaches back across a page boundary.
 * - `charStart`/`charEnd` are offsets within `pages[pageStart - 1]`: for a one-page chunk
 *   `pageText.slice(charStart, charEnd) === text`; for a spanning chunk they cover its part on
 *   `pageStart` (the text continues on the following pages, the parts joined by a blank line).
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

/** A sentence or paragraph of one page: `[start, end)` offsets in that page's text. */
export interface Unit {
  page: number;
  start: number;
  end: number;
  tokens: number;
}

/** Sentence ends (terminal punctuation, closing quotes/brackets, whitespace) and paragraph breaks. */
const BOUNDARY = /[.!?…。！？]["'”’)\]]*\s+|\n[ \t]*\n\s*/g;
const WHITESPACE = /\s/;

/** The units of one page, in order, trimmed of surrounding whitespace. */
export function splitUnits(text: string, page: number, maxUnitChars: number): Unit[] {
  const spans: Array<[number, number]> = [];
  let from = 0;
  BOUNDARY.lastIndex = 0;
  for (let m = BOUNDARY.exec(text); m; m = BOUNDARY.exec(text)) {
    const to = m.index + m[0].length;
    spans.push([from, to]);
    from = to;
  }
  spans.push([from, text.length]);
  const units: Unit[] = [];
  for (const [rawStart, rawEnd] of spans) {
    let start = rawStart;
    let end = rawEnd;
    while (start < end && WHITESPACE.test(text[start]!)) start++;
    while (end > start && WHITESPACE.test(text[end - 1]!)) end--;
    if (start === end) continue;
    for (const [s, e] of cutLong(text, start, end, maxUnitChars)) {
      units.push({ page, start: s, end: e, tokens: countTokens(text.slice(s, e)) });
    }
  }
  return units;
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

/** Chunks of a document given its pages' texts (`pages[0]` is page 1). Empty pages yield nothing. */
export function chunkPages(pages: readonly string[], options: Partial<ChunkOptions> = {}): Chunk[] {
  const opts = { ...DEFAULT_CHUNK_OPTIONS, ...options };
  const units = pages.flatMap((text, i) => splitUnits(text, i + 1, opts.maxUnitChars));
  const chunks: Chunk[] = [];
  const emit = (from: number, to: number) => {
    chunks.push(buildChunk(pages, units.slice(from, to), chunks.length));
  };

  let start = 0; // first unit of the open chunk
  let tokens = 0; // tokens of units[start..i)
  for (let i = 0; i < units.length; i++) {
    const unit = units[i]!;
    if (i > start) {
      const previous = units[i - 1]!;
      if (unit.page !== previous.page && tokens >= opts.minTokensAtPageBreak) {
        emit(start, i);
        start = i;
        tokens = 0;
      } else if (tokens + unit.tokens > opts.maxTokens) {
        emit(start, i);
        // The next chunk repeats the last units of this one (same page as `unit`, about
        // overlapRatio of its tokens) and always starts after this one's start.
        const budget = tokens * opts.overlapRatio;
        let back = i;
        let overlap = 0;
        while (
          back - 1 > start &&
          units[back - 1]!.page === unit.page &&
          overlap + units[back - 1]!.tokens <= budget
        ) {
          back--;
          overlap += units[back]!.tokens;
        }
        start = back;
        tokens = overlap;
      }
    }
    tokens += unit.tokens;
  }
  if (start < units.length) emit(start, units.length);
  return chunks;
}

function buildChunk(pages: readonly string[], units: Unit[], chunkIndex: number): Chunk {
  const first = units[0]!;
  const last = units[units.length - 1]!;
  const parts: string[] = [];
  let charEnd = first.end;
  for (let page = first.page; page <= last.page; page++) {
    const onPage = units.filter((u) => u.page === page);
    if (onPage.length === 0) continue;
    const from = onPage[0]!.start;
    const to = onPage[onPage.length - 1]!.end;
    if (page === first.page) charEnd = to;
    parts.push(pages[page - 1]!.slice(from, to));
  }
  const text = parts.join('\n\n');
  return {
    chunkIndex,
    pageStart: first.page,
    pageEnd: last.page,
    charStart: first.start,
    charEnd,
    text,
    tokenCount: countTokens(text),
  };
}
