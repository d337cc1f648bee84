import { Worker } from 'node:worker_threads';
import type { SupportedMime } from '@classchat/contracts';
import type { Logger } from 'pino';
import { failures, IngestFailure } from './errors.js';
import type { Chunk, ChunkOptions } from './chunker.js';
import type { ParsedDocument, ParseOptions } from './parse.js';
import type { ParseRequest, ParseWorkerData, ParseWorkerMessage } from './parse-protocol.js';

/** A document read and cut into retrieval chunks: what ingestion stores of it. */
export interface ChunkedDocument extends Pick<ParsedDocument, 'pages' | 'sections'> {
  chunks: Chunk[];
}

export interface ReadOptions extends ParseOptions {
  chunkOptions?: Partial<ChunkOptions> | undefined;
  /** Every page is read (`onProgress` said so); cutting them into chunks begins. */
  onChunking?: (pageCount: number) => void;
}

/** What the ingestion pipeline reads documents with: `parseDocument` then `chunkDocument`. */
export interface DocumentParser {
  parse(mime: SupportedMime, bytes: Uint8Array, options: ReadOptions): Promise<ChunkedDocument>;
}

export interface IsolatedParser extends DocumentParser {
  /** Terminates every worker; parses still running reject. */
  close(): Promise<void>;
}

export interface IsolatedParserOptions {
  /**
   * Memory budget of each worker, in MB: its JavaScript heap (a V8 limit), and separately the
   * memory outside that heap (ArrayBuffers: file bytes, inflated PDF streams), which V8 does not cap.
   */
  memoryMb: number;
  /** Most characters of text a document may hold. */
  maxChars: number;
  /** Workers parsing at once; further documents wait their turn. */
  workers: number;
  /** An idle worker is kept this long for the next document, then stopped (default 30 s). */
  idleMs?: number;
  logger?: Pick<Logger, 'warn' | 'error'>;
}

/**
 * Parses documents in worker threads, never on rag's event loop: a file that makes the parser spin
 * or swell (a DOCX of 200 MB of paragraphs, a PDF stream inflating to gigabytes) costs one worker,
 * while answers keep streaming. Each worker has a memory budget; going over it, crashing, or the
 * caller's signal aborting (INGEST_TIMEOUT_S, the api going away) terminates that worker only, and
 * the parse rejects with a student-facing `IngestFailure` (or the signal's reason). A worker that
 * finished a document, or refused it for an ordinary reason, is reused: starting one (loading PDF.js
 * and mammoth) costs far more than a small document's parse.
 */
export function createIsolatedParser(options: IsolatedParserOptions): IsolatedParser {
  const idleMs = options.idleMs ?? 30_000;
  const workerData: ParseWorkerData = {
    memoryBytes: options.memoryMb * 1024 * 1024,
    maxChars: options.maxChars,
  };
  const idle: Array<{ worker: Worker; timer: NodeJS.Timeout }> = [];
  const all = new Set<Worker>();
  const parsing = new Set<Worker>();
  const waiting: Array<{ grant: (worker: Worker) => void; refuse: (err: unknown) => void }> = [];
  let closed = false;

  const stop = (worker: Worker) => {
    if (!all.delete(worker)) return;
    void worker.terminate();
    // A slot freed: the next waiting document gets a fresh worker.
    const next = waiting.shift();
    if (next && !closed) next.grant(spawn());
  };

  const spawn = (): Worker => {
    const worker = startParseWorker(workerData, options.memoryMb);
    all.add(worker);
    // An error during a parse is that parse's outcome (runOnWorker); this listener keeps an error
    // between parses from becoming an uncaught exception.
    worker.on('error', (err) => {
      if (!parsing.has(worker)) options.logger?.warn({ err }, 'an idle parse worker failed');
    });
    // A worker dying while idle (it should not) just frees its slot.
    worker.once('exit', () => {
      const at = idle.findIndex((w) => w.worker === worker);
      if (at >= 0) clearTimeout(idle.splice(at, 1)[0]!.timer);
      stop(worker);
    });
    return worker;
  };

  const acquire = (signal: AbortSignal | undefined): Promise<Worker> => {
    if (closed) return Promise.reject(new Error('the parser is closed'));
    const reused = idle.pop();
    if (reused) {
      clearTimeout(reused.timer);
      return Promise.resolve(reused.worker);
    }
    if (all.size < options.workers) return Promise.resolve(spawn());
    return new Promise<Worker>((resolve, reject) => {
      // Aborted while waiting: leave the line (an abort listener runs before any later grant).
      const onAbort = () => {
        waiting.splice(waiting.indexOf(entry), 1);
        reject(signal?.reason as Error);
      };
      const entry = {
        grant: (worker: Worker) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(worker);
        },
        refuse: reject,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiting.push(entry);
    });
  };

  const release = (worker: Worker) => {
    if (closed || !all.has(worker)) return;
    const next = waiting.shift();
    if (next) return next.grant(worker);
    const timer = setTimeout(() => {
      const at = idle.findIndex((w) => w.worker === worker);
      if (at >= 0) idle.splice(at, 1);
      stop(worker);
    }, idleMs);
    timer.unref();
    idle.push({ worker, timer });
  };

  return {
    async parse(mime, bytes, parseOptions) {
      const { signal, onProgress, onChunking, ...clonable } = parseOptions;
      signal?.throwIfAborted();
      const worker = await acquire(signal);
      // A view into a larger buffer would send that whole buffer (structured clone copies all of it).
      const own =
        bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
      parsing.add(worker);
      const request = { mime, bytes: own, options: clonable };
      const outcome = await parseOn(worker, request, options.memoryMb, signal, { onProgress, onChunking });
      parsing.delete(worker);
      if (outcome.reusable) release(worker);
      else stop(worker);
      if ('document' in outcome) return outcome.document;
      // A worker terminated by close() is no crash worth a log line.
      if (outcome.crash && !closed)
        options.logger?.error({ err: outcome.crash }, 'the document parser crashed');
      throw outcome.error;
    },
    async close() {
      closed = true;
      for (const { refuse } of waiting.splice(0)) refuse(new Error('the parser is closed'));
      for (const { timer } of idle.splice(0)) clearTimeout(timer);
      const workers = [...all];
      all.clear();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

type Outcome =
  | { reusable: true; document: ChunkedDocument }
  | { reusable: boolean; error: unknown; crash?: string | Error };

/**
 * One request on one worker. Settles once: with the document or the error to throw, and whether
 * the worker may parse again (not after an overrun, a crash or an abort, which leave it mid-work).
 */
function parseOn(
  worker: Worker,
  request: ParseRequest,
  memoryMb: number,
  signal: AbortSignal | undefined,
  { onProgress, onChunking }: Pick<ReadOptions, 'onProgress' | 'onChunking'>,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const finish = (outcome: Outcome) => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const overMemory = () => finish({ reusable: false, error: failures.parseMemory(memoryMb) });
    const onMessage = (message: ParseWorkerMessage) => {
      switch (message.type) {
        case 'progress':
          onProgress?.(message.done, message.total);
          return;
        case 'chunking':
          onChunking?.(message.pageCount);
          return;
        case 'parsed':
          return finish({ reusable: true, document: message.document });
        case 'failed':
          return finish({ reusable: true, error: new IngestFailure(message.reason, message.message) });
        case 'over-memory':
          return overMemory();
        case 'crashed':
          return finish({ reusable: false, error: failures.internal(), crash: message.error });
      }
    };
    const onError = (err: Error & { code?: string }) => {
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') overMemory();
      else finish({ reusable: false, error: failures.internal(), crash: err });
    };
    const onExit = (code: number) =>
      finish({ reusable: false, error: failures.internal(), crash: `the parse worker exited (${code})` });
    const onAbort = () => finish({ reusable: false, error: signal?.reason });
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.postMessage(request);
  });
}

/**
 * A worker running `parse-worker`: the built `.js` next to this file, or, when rag runs from its
 * TypeScript sources (tests, benchmarks), the `.ts` through tsx, registered inside the worker
 * because Node 20 does not apply the parent's `--import tsx` hooks to a worker's entry module.
 */
function startParseWorker(workerData: ParseWorkerData, memoryMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: memoryMb };
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./parse-worker.js', import.meta.url), { workerData, resourceLimits });
  }
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./parse-worker.ts', import.meta.url).href);
  return new Worker(`import(${tsx}).then(({ register }) => { register(); return import(${entry}); });`, {
    eval: true,
    execArgv: ['--conditions=@classchat/source'],
    workerData,
    resourceLimits,
  });
}
