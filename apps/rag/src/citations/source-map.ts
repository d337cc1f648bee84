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

/** One page's part of a run of chunk characters: that page's raw text from `from` to `to`. */
interface PageRun {
  page: number;
  from: number;
  to: number;
}

/** The parts of chunk characters `[start, end)` on each page, in chunk order (end > start). */
function pageRunsOf(chunk: MappedChunk, start: number, end: number): PageRun[] {
  const map = chunk.sourceMap;
  if (!map || map.length === 0) {
    return [{ page: chunk.pageStart, from: chunk.charStart + start, to: chunk.charStart + end }];
  }
  const runs: PageRun[] = [];
  for (let i = 0; i < map.length; i++) {
    const [from, page, pageOffset] = map[i]!;
    const runStart = i === 0 ? start : Math.max(start, from);
    const runEnd = Math.min(end, map[i + 1]?.[0] ?? end);
    if (runEnd <= runStart) continue;
    runs.push({ page, from: pageOffset + Math.max(0, runStart - from), to: pageOffset + (runEnd - from) });
  }
  return runs;
}

/**
 * The page span of chunk characters `[start, end)`: the page that holds most of them, from their
 * first to their last character there. A sentence that runs over a page break is cited on the page
 * where most of it is printed, which is where a reader looks for it.
 */
export function pageSpanOf(
  chunk: MappedChunk,
  start: number,
  end: number,
): { page: number; charStart: number; charEnd: number } {
  if (end <= start) return spanOnFirstPageOf(chunk, start, end);
  const runs = pageRunsOf(chunk, start, end);
  const onPage = new Map<number, number>();
  for (const r of runs) onPage.set(r.page, (onPage.get(r.page) ?? 0) + (r.to - r.from));
  let page = runs[0]!.page;
  for (const [p, n] of onPage) if (n > onPage.get(page)!) page = p;
  const there = runs.filter((r) => r.page === page);
  return { page, charStart: there[0]!.from, charEnd: Math.max(...there.map((r) => r.to)) };
}

/**
 * The page span of chunk characters `[start, end)` on the page of `start`: a span that crosses onto
 * the next page is cut at the last character mapped to the first page (what the chunk's part on
 * its first page is measured with).
 */
export function spanOnFirstPageOf(
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
