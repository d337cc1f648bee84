import { sql } from 'drizzle-orm';
import { chunks, documents } from '../schema.js';
import type { ChunkHit, ChunkScope, SearchEvent, SearchKind } from './chunks.js';

/** The columns of a hit, over `chunks` joined to its document. */
export const hitColumns = {
  chunkId: chunks.id,
  documentId: chunks.documentId,
  classId: chunks.classId,
  fileName: documents.fileName,
  chunkIndex: chunks.chunkIndex,
  pageStart: chunks.pageStart,
  pageEnd: chunks.pageEnd,
  charStart: chunks.charStart,
  charEnd: chunks.charEnd,
  text: chunks.text,
  tokenCount: chunks.tokenCount,
  sectionPath: sql<string[]>`coalesce(${chunks.sectionPath}, '[]'::jsonb)`,
  sectionPageStart: chunks.sectionPageStart,
  sectionPageEnd: chunks.sectionPageEnd,
  pageKind: chunks.pageKind,
  sourceMap: chunks.sourceMap,
};

/**
 * A hit written out field by field: copying the statement's rows with rest and spread made objects ten
 * times the size (every column they carry), garbage on every search.
 */
export function hitOf(
  r: Omit<ChunkHit, 'score' | 'rank' | 'sectionPath'> & { sectionPath: string[] | null },
  score: number,
  rank: number,
): ChunkHit {
  return {
    chunkId: r.chunkId,
    documentId: r.documentId,
    classId: r.classId,
    fileName: r.fileName,
    chunkIndex: r.chunkIndex,
    pageStart: r.pageStart,
    pageEnd: r.pageEnd,
    charStart: r.charStart,
    charEnd: r.charEnd,
    text: r.text,
    tokenCount: r.tokenCount,
    sectionPath: r.sectionPath ?? [],
    sectionPageStart: r.sectionPageStart,
    sectionPageEnd: r.sectionPageEnd,
    pageKind: r.pageKind,
    sourceMap: r.sourceMap,
    score,
    rank,
  };
}

/** Hits numbered 1, 2, … in their order. */
export const numberHits = <T extends Omit<ChunkHit, 'rank'>>(rows: T[]): (T & { rank: number })[] =>
  rows.map((r, i) => ({ ...r, rank: i + 1 }));

/** Counts a search (or sample) and reports it to the repository's listener. */
export type RecordSearch = (
  kind: SearchKind,
  scope: ChunkScope,
  limit: number,
  results: number,
  started: number,
  extra?: Partial<SearchEvent>,
) => void;
