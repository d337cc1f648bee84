/**
 * A parse worker thread (started by `isolated-parse.ts`): runs `parseDocument`, then `chunkDocument`,
 * for one request at a time and posts back the chunks, its progress, or why it failed. Chunking is
 * here too because it is CPU work in proportion to the document (about a second per thousand
 * pages) that would otherwise hold rag's event loop, and every answer streaming on it. A hostile file can only exhaust
 * this thread: its JavaScript heap is capped by the worker's `resourceLimits`, and this watchdog
 * caps the memory outside the heap (ArrayBuffers, e.g. a PDF stream inflating to gigabytes), which
 * the heap limit does not count. rag terminates the thread on any overrun, a crash or an abort.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { chunkDocument } from './chunker.js';
import { failures, IngestFailure } from './errors.js';
import { parseDocument } from './parse.js';
import type { ParseRequest, ParseWorkerData, ParseWorkerMessage } from './parse-protocol.js';

/**
 * How often the watchdog looks. PDF.js yields to the event loop between its steps, so it runs
 * during a parse; code that never yields is stopped by the heap limit or rag's wall-clock limit.
 */
const WATCHDOG_INTERVAL_MS = 50;

if (!parentPort) throw new Error('parse-worker.ts runs as a worker thread (see isolated-parse.ts)');
const port = parentPort;
const limits = workerData as ParseWorkerData;
const post = (message: ParseWorkerMessage) => port.postMessage(message);

port.on('message', (request: ParseRequest) => void parse(request));

async function parse({ mime, bytes, options }: ParseRequest): Promise<void> {
  const watchdog = setInterval(() => {
    // Per isolate: this worker's buffers, not the rest of the process's.
    if (process.memoryUsage().external > limits.memoryBytes) post({ type: 'over-memory' });
  }, WATCHDOG_INTERVAL_MS);
  try {
    const { chunkOptions, ...parseOptions } = options;
    const parsed = await parseDocument(mime, bytes, {
      ...parseOptions,
      onProgress: (done, total) => post({ type: 'progress', done, total }),
    });
    const chars = parsed.pages.reduce((sum, page) => sum + page.length, 0);
    if (chars > limits.maxChars) throw failures.tooMuchText(chars, limits.maxChars);
    post({ type: 'chunking', pageCount: parsed.pages.length });
    const chunks = chunkDocument(parsed, chunkOptions);
    // Not the blocks: they are the bulk of a parsed document and rag needs only what it stores.
    post({ type: 'parsed', document: { pages: parsed.pages, sections: parsed.sections, chunks } });
  } catch (err) {
    if (err instanceof IngestFailure) post({ type: 'failed', reason: err.reason, message: err.message });
    else post({ type: 'crashed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  } finally {
    clearInterval(watchdog);
  }
}
