import type { SupportedMime } from '@classchat/contracts';
import type { IngestFailureReason } from './errors.js';
import type { ReadDocument, ReadOptions } from './isolated-parse.js';

/**
 * The messages between rag and a parse worker (`parse-worker.ts`, driven by `isolated-parse.ts`).
 * Both ends are this service's own code in one process, exchanged by structured clone: the worker
 * posts back whatever `parseDocument` returns with the chunks cut from it, so new fields of
 * `ParsedDocument` need no change here.
 */

/** Fixed for a worker's lifetime. */
export interface ParseWorkerData {
  /** The most memory outside the JavaScript heap (ArrayBuffers) the worker may hold, in bytes. */
  memoryBytes: number;
  /** Most characters of text a document may hold (all pages together). */
  maxChars: number;
}

/** The clonable part of `ReadOptions` (the abort signal and progress callback stay in rag). */
export type ParseRequestOptions = Omit<ReadOptions, 'signal' | 'onProgress'>;

/** rag → worker: parse one document (a worker parses one at a time). */
export interface ParseRequest {
  mime: SupportedMime;
  bytes: Uint8Array;
  options: ParseRequestOptions;
}

/** worker → rag. */
export type ParseWorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'parsed'; document: ReadDocument }
  /** The document cannot be ingested, for a reason the student can act on (the worker stays usable). */
  | { type: 'failed'; reason: IngestFailureReason; message: string }
  /** The worker's memory budget was exceeded; it must be replaced. */
  | { type: 'over-memory' }
  /** An unexpected error inside the parser (a bug or a file that broke it). */
  | { type: 'crashed'; error: string };
