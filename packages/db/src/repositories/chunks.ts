import type { PageKind } from '@classchat/contracts';
import type { Db } from '../client.js';
import type { FullTextOptions, QueryTerm } from './ranked-search.js';
import type { RecordSearch } from './chunk-hits.js';
import { createChunkListing } from './chunk-listing.js';
import { createChunkTextSearch } from './chunk-text-search.js';
import { createChunkVectorSearch } from './chunk-vector-search.js';
import { createChunkWrites } from './chunk-writes.js';

export {
  DEFAULT_RANKING,
  MAX_QUERY_TERMS,
  QUESTION_WORDS,
  type FullTextOptions,
  type QueryTerm,
  type RankingParams,
  type SearchFocus,
} from './ranked-search.js';

/**
 * Where to search. `classId` / `documentId` omitted or null: no restriction on that dimension (every
 * chunk of the user). Always restricted to `userId`.
 */
export interface ChunkScope {
  userId: string;
  classId?: string | null;
  documentId?: string | null;
}

/**
 * Where a chunk lies in its document, and its text; `charStart`/`charEnd` are offsets within
 * `pageStart`'s text.
 */
export interface ChunkPlacement {
  chunkIndex: number;
  pageStart: number;
  pageEnd: number;
  charStart: number;
  charEnd: number;
  text: string;
  tokenCount: number;
}

/** A chunk to store. */
export interface ChunkInput extends ChunkPlacement {
  /** Section titles from outermost to innermost; omitted or empty when the document has no sections. */
  sectionPath?: readonly string[] | undefined;
  sectionPageStart?: number | null | undefined;
  sectionPageEnd?: number | null | undefined;
  /** Defaults to `'body'`. */
  pageKind?: PageKind | undefined;
  /** See `chunks.sourceMap` in the schema; omitted or null when the text is the page's raw text. */
  sourceMap?: readonly (readonly [number, number, number])[] | null | undefined;
  /** `EMBEDDING_DIMENSIONS` numbers, or null when no embeddings endpoint is configured. */
  embedding?: number[] | null;
}

/** A chunk as retrieval returns it, with its document's file name. */
export interface ChunkHit extends ChunkPlacement {
  chunkId: string;
  documentId: string;
  classId: string | null;
  fileName: string;
  /** Section titles from outermost to innermost; empty when unknown. */
  sectionPath: string[];
  sectionPageStart: number | null;
  sectionPageEnd: number | null;
  pageKind: PageKind;
  /** See `chunks.sourceMap` in the schema; null when the text is `pageStart`'s raw text from `charStart`. */
  sourceMap: [number, number, number][] | null;
  /**
   * Higher is better. Full-text: the ranking score (BM25 with boosts, see `RankingParams`); vector:
   * cosine similarity (1 - cosine distance); `getByIds` / `sampleAcross`: 0.
   */
  score: number;
  /** 1-based position in this result list. */
  rank: number;
}

/** A full-text hit with what the relevance floor and scope words need. */
export interface FullTextHit extends ChunkHit {
  /** Share (0..1) of the question's term weight (idf) this chunk holds. */
  termMatch: number;
  /** Whether the chunk is in the part of the material the question names (the search's focus). */
  inFocus: boolean;
  /**
   * Whether it lists rather than explains: a table-of-contents or index page, or a section titled
   * Bibliography, References, Index or Contents (ranked down; never proof that a topic is covered).
   */
  listing: boolean;
}

export interface FullTextResult {
  /** Best first. */
  hits: FullTextHit[];
  /** The question's terms in the order it gives them, with their weights in the scope (empty without hits). */
  terms: QueryTerm[];
}

export type SearchKind = 'fullText' | 'vector' | 'sample';

export interface SearchEvent {
  kind: SearchKind;
  scope: ChunkScope;
  limit: number;
  results: number;
  ms: number;
  /** Vector search only: the HNSW scan yielded fewer than `limit`, so an exact scan filled the result. */
  exactFallback?: boolean;
  /** Vector search only: an exact scan was asked for (`vectorSearch(…, { exact: true })`). */
  exact?: boolean;
}

/**
 * Process-wide counters of retrieval queries, so tests can assert that a route ran no search
 * (`searchStats.reset()` … `expect(searchStats.searches).toBe(0)`).
 */
export const searchStats = {
  fullText: 0,
  vector: 0,
  sample: 0,
  /** Full-text + vector searches (sampling excluded). */
  get searches(): number {
    return this.fullText + this.vector;
  },
  reset(): void {
    this.fullText = 0;
    this.vector = 0;
    this.sample = 0;
  },
};

export interface ChunksRepositoryOptions {
  /** Called after every search / sample, e.g. for metrics or test assertions. */
  onSearch?: (event: SearchEvent) => void;
}

export type FullTextMatch = NonNullable<FullTextOptions['match']>;

export type ChunksRepository = ReturnType<typeof createChunksRepository>;

/**
 * A document's chunks: storing them, full-text and vector search over a scope, and listing. Each job
 * is its own module; they share the search counters.
 */
export function createChunksRepository(db: Db, options: ChunksRepositoryOptions = {}) {
  let searchCount = 0;
  const record: RecordSearch = (kind, scope, limit, results, started, extra = {}) => {
    searchStats[kind] += 1;
    if (kind !== 'sample') searchCount += 1;
    options.onSearch?.({ kind, scope, limit, results, ms: performance.now() - started, ...extra });
  };
  return {
    /** Full-text and vector searches run by this repository instance. */
    get searchCount(): number {
      return searchCount;
    },
    ...createChunkWrites(db),
    ...createChunkTextSearch(db, record),
    ...createChunkVectorSearch(db, record),
    ...createChunkListing(db, record),
  };
}

export { INSERT_BATCH_ROWS } from './chunk-writes.js';
export { vectorParameter } from './chunk-vector-search.js';
export { shareEvenly, spreadPositions } from './chunk-listing.js';
