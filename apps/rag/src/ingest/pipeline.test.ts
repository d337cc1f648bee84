import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChunkInput, DocumentRow } from '@classchat/db';
import { madeUpWords } from '@classchat/testkit';
import { chunkPages } from './chunker.js';
import { createIsolatedParser, type IsolatedParser } from './isolated-parse.js';
import { runIngestPipeline, type PipelineDeps } from './pipeline.js';

let filesDir: string;
let parser: IsolatedParser;
beforeAll(async () => {
  filesDir = await mkdtemp(join(tmpdir(), 'cc-pipeline-'));
  parser = createIsolatedParser({ memoryMb: 512, maxChars: 8_000_000, workers: 1 });
});
afterAll(async () => {
  await parser.close();
  await rm(filesDir, { recursive: true, force: true });
});

/** The pipeline's document and repositories: the chunks it stores are kept for the test to read. */
async function storedTextDocument(text: string) {
  const id = randomUUID();
  await writeFile(join(filesDir, id), text);
  const doc = { id, storageKey: id, mimeType: 'text/plain' } as Pick<
    DocumentRow,
    'id' | 'storageKey' | 'mimeType'
  > as DocumentRow;
  const stored: ChunkInput[] = [];
  const repos: PipelineDeps['repos'] = {
    chunks: {
      insertForDocument: (_doc: unknown, chunks: readonly ChunkInput[]) => {
        stored.push(...chunks);
        return Promise.resolve(chunks.length);
      },
    } as PipelineDeps['repos']['chunks'],
    documents: { markReady: () => Promise.resolve(true) } as unknown as PipelineDeps['repos']['documents'],
  };
  return { doc, repos, stored };
}

/**
 * The longest time this thread's event loop went without running a timer, from now until `end()`
 * (which counts the time since the last tick too: work that ends in promises alone, as the
 * pipeline's last steps here do, would otherwise finish before a late timer could show it).
 */
function longestStall(): { end(): number } {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  return {
    end() {
      clearInterval(timer);
      return Math.max(longest, performance.now() - last);
    },
  };
}

describe('the ingestion pipeline', () => {
  it("cuts the chunks of a text of 150,000 distinct words without holding rag's event loop", async () => {
    // Counting the tokens of a word the tokenizer has not cached costs ~8 µs: seconds for this
    // text, which on rag's event loop would stop every answer streaming meanwhile.
    const text = madeUpWords(150_000, 7).join(' ');
    const { doc, repos, stored } = await storedTextDocument(text);
    const stall = longestStall();
    const result = await runIngestPipeline(doc, {
      repos,
      filesDir,
      parser,
      maxPages: 1,
      maxChunks: 5000,
      embedder: null,
    });
    expect(stall.end()).toBeLessThan(500);
    expect(result.chunkCount).toBeGreaterThan(100);
    expect(stored.map((c) => c.text)).toEqual(chunkPages([text]).map((c) => c.text));
  }, 60_000);
});
