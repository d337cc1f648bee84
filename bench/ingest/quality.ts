/**
 * How close a document's stored chunks come to the text a student reads, against the ground truth
 * of bench/corpus (running lines, hyphen breaks, TOC pages, the PDF outline). Pure.
 */
import type { PdfOutlineEntry } from '../corpus/pdf-pages.js';
import { runningLineHits, type RunningLines } from '../corpus/running-lines.js';
import { holdsBreak, outlineFound, type HyphenBreak } from '../corpus/structure.js';

export interface StoredChunk {
  text: string;
  pageStart: number;
  pageEnd: number;
  sectionPath: string[] | null;
  pageKind: string;
}

export interface GroundTruth {
  running: RunningLines;
  breaks: readonly HyphenBreak[];
  tocPages: readonly number[];
  outline: readonly PdfOutlineEntry[];
}

export interface ChunkQuality {
  chunks: number;
  /** Chunks holding a running header/footer line or a page number of one of their pages. */
  chunksWithRunningLine: number;
  hyphenBreaks: number;
  /** Ground-truth hyphen breaks still split in a chunk of their page. */
  hyphenBreaksLeft: number;
  outlineEntries: number;
  /** Outline entries the stored outline has (same title and start page). */
  outlineFound: number;
  chunksWithSection: number;
  tocPages: number;
  chunksOnTocPages: number;
  /** Chunks on TOC pages whose page kind is toc or index. */
  tocChunksMarked: number;
  /** Chunks marked toc or index on pages that are not TOC pages. */
  markedElsewhere: number;
  examples: { runningLine: string[]; hyphen: string[] };
}

const pagesOf = (c: Pick<StoredChunk, 'pageStart' | 'pageEnd'>) =>
  Array.from({ length: c.pageEnd - c.pageStart + 1 }, (_, i) => c.pageStart + i);

export function chunkQuality(
  chunks: readonly StoredChunk[],
  truth: GroundTruth,
  storedOutline: ReadonlyArray<{ title: string; pageStart: number }> | null,
): ChunkQuality {
  const examples = { runningLine: [] as string[], hyphen: [] as string[] };
  let chunksWithRunningLine = 0;
  for (const c of chunks) {
    const hits = runningLineHits(c.text, pagesOf(c), truth.running);
    if (hits.length > 0) {
      chunksWithRunningLine += 1;
      if (examples.runningLine.length < 3) examples.runningLine.push(`p${hits[0]!.page}: ${hits[0]!.line}`);
    }
  }
  const left = truth.breaks.filter((b) =>
    chunks.some((c) => c.pageStart <= b.page && b.page <= c.pageEnd && holdsBreak(c.text, b)),
  );
  examples.hyphen = left.slice(0, 3).map((b) => `p${b.page}: ${b.first}- ${b.second}`);
  const toc = new Set(truth.tocPages);
  const onToc = chunks.filter((c) => toc.has(c.pageStart));
  const marked = (c: StoredChunk) => c.pageKind === 'toc' || c.pageKind === 'index';
  return {
    chunks: chunks.length,
    chunksWithRunningLine,
    hyphenBreaks: truth.breaks.length,
    hyphenBreaksLeft: left.length,
    outlineEntries: truth.outline.length,
    outlineFound: outlineFound(truth.outline, storedOutline ?? []),
    chunksWithSection: chunks.filter((c) => (c.sectionPath?.length ?? 0) > 0).length,
    tocPages: toc.size,
    chunksOnTocPages: onToc.length,
    tocChunksMarked: onToc.filter(marked).length,
    markedElsewhere: chunks.filter((c) => !toc.has(c.pageStart) && marked(c)).length,
    examples,
  };
}
