import type { SupportedMime } from '@classchat/contracts';
import type { ChunkOptions } from './chunker.js';
import type { IngestFailureReason } from './errors.js';
import type { ChunkedDocument } from './isolated-parse.js';
import type { ParseOptions } from './parse.js';

/**
 * The messages between rag and a parse worker (`parse-worker.ts`, driven by `isolated-parse.ts`).
 * Both ends are this service's own code in one process, exchanged by structured clone.
 */

/** Fixed for a worker's lifetime. */
export interface ParseWorkerData {
  /** The most memory outside the JavaScript heap (ArrayBuffers) the worker may hold, in bytes. */
  memoryBytes: number;
  /** Most characters of text a document may hold (all pages together). */
  maxChars: number;
}

/** The clonable part of the options (the abort signal and progress callbacks stay in rag). */
export type ParseRequestOptions = Omit<ParseOptions, 'signal' | 'onProgress'> & {
  chunkOptions?: Partial<ChunkOptions>;
};

/** rag → worker: parse and chunk one document (a worker reads one at a time). */
export interface ParseRequest {
  mime: SupportedMime;
  bytes: Uint8Array;
  options: ParseRequestOptions;
}

/** worker → rag. */
export type ParseWorkerMessage =
  | { type: 'progress'; done: number; total: number }
  /** Every page is read; cutting them into chunks begins. */
  | { type: 'chunking'; pageCount: number }
  | { type: 'parsed'; document: ChunkedDocument }
  /** The document cannot be ingested, for a reason the student can act on (the worker stays usable). */
  | { type: 'failed'; reason: IngestFailureReason; message: string }
  /** The worker's memory budget was exceeded; it must be replaced. */
  | { type: 'over-memory' }
  /** An unexpected error inside the parser (a bug or a file that broke it). */
  | { type: 'crashed'; error: string };
