/**
 * Where a chunk's characters sit in its pages' raw text (the text the viewer's PDF.js text layer
 * shows). Cleaning a page (dropping running headers, joining hyphenated words) makes a chunk's text
 * differ from the raw page text, so a chunk may carry a source map: sorted `[chunkOffset, page,
 * pageOffset]` triples, each meaning "from chunkOffset on, character i of the chunk is character
 * pageOffset + (i - chunkOffset) of that page". Without one, the chunk is `pageStart`'s raw text
 * from `charStart` on, character for character.
 */
export type SourceMap = readonly (readonly [number, number, number])[];

export interface MappedChunk {
  pageStart: number;
  charStart: number;
  sourceMap?: SourceMap | null | undefined;
}

export interface PagePosition {
  page: number;
  offset: number;
}

/** The page position of the chunk's character at `chunkOffset` (clamped to the chunk's start). */
export function pagePositionOf(chunk: MappedChunk, chunkOffset: number): PagePosition {
  const offset = Math.max(0, chunkOffset);
  const map = chunk.sourceMap;
  if (!map || map.length === 0) return { page: chunk.pageStart, offset: chunk.charStart + offset };
  let entry = map[0]!;
  for (const candidate of map) {
    if (candidate[0] > offset) break;
    entry = candidate;
  }
  const [from, page, pageOffset] = entry;
  return { page, offset: pageOffset + Math.max(0, offset - from) };
}

/**
 * The page span of chunk characters `[start, end)`: the page of `start`, and an end on that page.
 * A span that crosses onto the next page is cut at the last character mapped to the first page.
 */
export function pageSpanOf(
  chunk: MappedChunk,
  start: number,
  end: number,
): { page: number; charStart: number; charEnd: number } {
  const first = pagePositionOf(chunk, start);
  const lastChar = pagePositionOf(chunk, Math.max(start, end - 1));
  if (lastChar.page === first.page) {
    return {
      page: first.page,
      charStart: first.offset,
      charEnd: Math.max(first.offset, lastChar.offset + 1),
    };
  }
  // End where the last run of the span that still lies on the first page ends.
  const map = chunk.sourceMap ?? [];
  let endOnFirst = first.offset + 1;
  for (let i = 0; i < map.length; i++) {
    const [from, page, pageOffset] = map[i]!;
    const runEnd = Math.min(end, map[i + 1]?.[0] ?? end);
    if (page !== first.page || runEnd <= start || from >= end) continue;
    endOnFirst = Math.max(endOnFirst, pageOffset + (runEnd - from));
  }
  return { page: first.page, charStart: first.offset, charEnd: endOnFirst };
}
