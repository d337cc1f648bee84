import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSse, IngestEvent, INTERNAL_TOKEN_HEADER, type SupportedMime } from '@classchat/contracts';
import { connect, createRepositories, EMBEDDING_DIMENSIONS, type Database } from '@classchat/db';
import {
  goodFixtures,
  inflatingPdf,
  largePdf,
  startStack,
  STRUCTURED_PDF,
  structuredPdf,
  type Stack,
} from '@classchat/testkit';
import { loadRagConfig } from '../config.js';
import { startRag, type RunningRag } from '../server.js';
import { parseDocument } from './parse.js';

let stack: Stack;
let database: Database;
let repos: ReturnType<typeof createRepositories>;
let userId: string;
const extraRags: RunningRag[] = [];

beforeAll(async () => {
  stack = await startStack();
  database = connect(stack.databaseUrl, { max: 2 });
  repos = createRepositories(database.db);
  userId = (
    await repos.users.create({ email: `rag-${randomUUID()}@example.edu`, name: 'Rag', passwordHash: 'x' })
  ).id;
});
afterAll(async () => {
  for (const rag of extraRags) await rag.stop();
  await database?.close();
  await stack?.stop();
});

/** Another rag process-alike on the same database and files, with some settings changed. */
async function ragWith(env: Record<string, string>): Promise<string> {
  return (await startRagWith(env)).url;
}

async function startRagWith(env: Record<string, string>): Promise<RunningRag> {
  const rag = await startRag(
    loadRagConfig({
      NODE_ENV: 'test',
      DATABASE_URL: stack.databaseUrl,
      DATA_DIR: stack.dataDir,
      INTERNAL_TOKEN: stack.internalToken,
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: stack.upstream!.url,
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: '0',
      ...env,
    }),
  );
  extraRags.push(rag);
  return rag;
}

/** A stored upload, as the api leaves it: the file under DATA_DIR/files and its row. */
async function storedDocument(file: { fileName: string; bytes: Buffer; mimeType?: SupportedMime }) {
  const id = randomUUID();
  mkdirSync(join(stack.dataDir, 'files'), { recursive: true });
  writeFileSync(join(stack.dataDir, 'files', id), file.bytes);
  return repos.documents.create({
    id,
    userId,
    classId: null,
    fileName: file.fileName,
    mimeType: file.mimeType ?? 'application/pdf',
    byteSize: file.bytes.length,
    sha256: id,
    storageKey: id,
  });
}

function ingestRequest(
  ragUrl: string,
  docId: string,
  body: unknown = { user_id: userId },
  signal?: AbortSignal,
) {
  return fetch(`${ragUrl}/api/v1/documents/${docId}/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: stack.internalToken },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

async function ingest(ragUrl: string, docId: string): Promise<IngestEvent[]> {
  const res = await ingestRequest(ragUrl, docId);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: IngestEvent[] = [];
  for await (const e of decodeSse(res.body!, IngestEvent)) events.push(e);
  return events;
}

describe('rag ingest endpoint', () => {
  it('needs the internal token, a valid id and the document owner (404 otherwise)', async () => {
    const doc = await storedDocument(await goodFixtures.plainText());
    const noToken = await fetch(`${stack.ragUrl}/api/v1/documents/${doc.id}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: userId }),
    });
    expect(noToken.status).toBe(401);
    expect((await ingestRequest(stack.ragUrl, doc.id, { user_id: randomUUID() })).status).toBe(404);
    expect((await ingestRequest(stack.ragUrl, randomUUID())).status).toBe(404);
    expect((await ingestRequest(stack.ragUrl, 'nope')).status).toBe(400);
    expect((await ingestRequest(stack.ragUrl, doc.id, {})).status).toBe(400);
  });

  it('streams progress per stage, embeds in batches of 64, then ready; keepalives fill long silences', async () => {
    const ragUrl = await ragWith({ STREAM_KEEPALIVE_MS: '40' });
    const fixture = await largePdf(100);
    const doc = await storedDocument(fixture);
    stack.upstream!.reset();
    stack.upstream!.setEmbeddingsDefault({ delayMs: 250 });
    try {
      const events = await ingest(ragUrl, doc.id);
      const last = events.at(-1);
      expect(last).toEqual({ type: 'ready', pageCount: 100, chunkCount: 100 });
      const progress = events.filter((e) => e.type === 'progress');
      const stages = [...new Set(progress.map((e) => e.stage))];
      expect(stages).toEqual(['parsing', 'chunking', 'embedding', 'indexing']);
      for (const stage of stages) {
        const ofStage = progress.filter((e) => e.stage === stage);
        expect(ofStage[0]!.done).toBe(0);
        expect(ofStage.at(-1)!.done).toBe(ofStage.at(-1)!.total);
        for (let i = 1; i < ofStage.length; i++)
          expect(ofStage[i]!.done).toBeGreaterThanOrEqual(ofStage[i - 1]!.done);
      }
      expect(progress.find((e) => e.stage === 'parsing' && e.done === 100)?.total).toBe(100);
      expect(events.some((e) => e.type === 'keepalive')).toBe(true);

      const requests = stack.upstream!.embeddingRequests;
      expect(requests.map((r) => r.inputs.length)).toEqual([64, 36]);
      expect(requests.every((r) => r.dimensions === EMBEDDING_DIMENSIONS)).toBe(true);
      expect(await repos.documents.get(userId, doc.id)).toMatchObject({
        status: 'ready',
        pageCount: 100,
        chunkCount: 100,
      });
      const metrics = await stack.rag!.ctx.metrics.registry.metrics();
      expect(metrics).toMatch(/ingest_pages_total \d+/);
    } finally {
      stack.upstream!.setEmbeddingsDefault({});
    }
  });

  it("stores a PDF's outline, and each chunk's section, page kind and source map", async () => {
    const doc = await storedDocument(await structuredPdf({ outline: true }));
    expect((await ingest(stack.ragUrl, doc.id)).at(-1)).toMatchObject({ type: 'ready', pageCount: 8 });
    expect((await repos.documents.get(userId, doc.id))?.outline).toEqual(STRUCTURED_PDF.outline);
    const scope = { userId, documentId: doc.id };
    const [missing] = await repos.chunks.fullTextSearch(scope, 'missing value written NA', 1, {
      match: 'all',
    });
    expect(missing).toMatchObject({
      pageStart: 6,
      sectionPath: ['2 Data', '2.5 Missing values'],
      sectionPageStart: 6,
      sectionPageEnd: 6,
      pageKind: 'body',
    });
    const [toc] = await repos.chunks.fullTextSearch(scope, 'contents getting started installing', 1, {
      match: 'all',
    });
    expect(toc).toMatchObject({ pageStart: 2, pageKind: 'toc' });
    const all = await repos.chunks.sampleAcross(scope, 100);
    expect(all.some((c) => c.sourceMap !== null)).toBe(true);
    expect(all.every((c) => !/Page \d of 8/.test(c.text))).toBe(true);
  });

  it("reserves the embeddings' tokens against OPENAI_TPM_LIMIT", async () => {
    const limit = 100_000;
    const rag = await startRagWith({ OPENAI_TPM_LIMIT: String(limit) });
    const doc = await storedDocument(await goodFixtures.plainText());
    expect((await ingest(rag.url, doc.id)).at(-1)).toMatchObject({ type: 'ready' });
    // The window now holds the chunks' tokens: the whole limit is no longer available.
    expect(await rag.ctx.tokenBudget.reserve(limit)).toBeNull();
    expect(await rag.ctx.tokenBudget.reserve(limit - 1000)).not.toBeNull();
  });

  it('fails with a reason when the embeddings endpoint keeps failing', async () => {
    const doc = await storedDocument(await goodFixtures.plainText());
    stack.upstream!.enqueueEmbeddings(...Array.from({ length: 3 }, () => ({ fail: { status: 500 } })));
    const events = await ingest(stack.ragUrl, doc.id);
    expect(events.at(-1)).toEqual({
      type: 'error',
      code: 'ingest_failed',
      message: 'The embeddings service failed while processing this document. Please upload it again later.',
    });
    expect(await repos.documents.get(userId, doc.id)).toMatchObject({ status: 'failed' });
  });

  it('refuses a document over INGEST_MAX_PAGES with the counts in the reason', async () => {
    const ragUrl = await ragWith({ INGEST_MAX_PAGES: '3' });
    const doc = await storedDocument(await goodFixtures.multiPagePdf());
    const events = await ingest(ragUrl, doc.id);
    const reason = 'This document has 5 pages; the limit is 3. Split it into smaller files and upload them.';
    expect(events.at(-1)).toEqual({ type: 'error', code: 'ingest_failed', message: reason });
    expect(await repos.documents.get(userId, doc.id)).toMatchObject({ status: 'failed', error: reason });
  });

  it('fails a document over INGEST_MAX_CHARS or INGEST_MAX_CHUNKS, with the counts in the reason', async () => {
    const pdf = await goodFixtures.multiPagePdf();
    const chars = (await parseDocument('application/pdf', pdf.bytes, { maxPages: 10 })).pages.join('').length;
    const overChars = await ingest(
      await ragWith({ INGEST_MAX_CHARS: '500' }),
      (await storedDocument(pdf)).id,
    );
    expect(overChars.at(-1)).toEqual({
      type: 'error',
      code: 'ingest_failed',
      message: `This document holds ${chars.toLocaleString('en-US')} characters of text; the limit is 500. Split it into smaller files and upload them.`,
    });

    const doc = await storedDocument(pdf);
    const overChunks = await ingest(await ragWith({ INGEST_MAX_CHUNKS: '3' }), doc.id);
    const reason =
      'This document makes 5 passages to index; the limit is 3. Split it into smaller files and upload them.';
    expect(overChunks.at(-1)).toEqual({ type: 'error', code: 'ingest_failed', message: reason });
    expect(await repos.documents.get(userId, doc.id)).toMatchObject({ status: 'failed', error: reason });
    expect(await repos.chunks.countInScope({ userId, documentId: doc.id })).toBe(0);
  });

  it('fails a PDF whose stream inflates past INGEST_PARSE_MEMORY_MB, and keeps serving', async () => {
    const rag = await startRagWith({ INGEST_PARSE_MEMORY_MB: '48' });
    const doc = await storedDocument(await inflatingPdf({ inflatedBytes: 128 * 1024 * 1024 }));
    const events = await ingest(rag.url, doc.id);
    const reason =
      'Reading this file needed more than the 48 MB memory limit and was stopped. Split it into smaller files and upload them.';
    expect(events.at(-1)).toEqual({ type: 'error', code: 'ingest_failed', message: reason });
    expect((await fetch(`${rag.url}/healthz`)).status).toBe(200);
    const next = await storedDocument(await goodFixtures.plainText());
    expect((await ingest(rag.url, next.id)).at(-1)).toMatchObject({ type: 'ready' });
  });

  it('stops at INGEST_TIMEOUT_S with a reason', async () => {
    const ragUrl = await ragWith({ INGEST_TIMEOUT_S: '1' });
    const doc = await storedDocument(await largePdf(1200));
    const events = await ingest(ragUrl, doc.id);
    const reason =
      'Processing took longer than the 1-second limit and was stopped. Try uploading a smaller file.';
    expect(events.at(-1)).toEqual({ type: 'error', code: 'ingest_failed', message: reason });
    expect(await repos.documents.get(userId, doc.id)).toMatchObject({ status: 'failed', error: reason });
    expect(await repos.chunks.countInScope({ userId, documentId: doc.id })).toBe(0);
  });

  it('aborts when the caller closes the request, leaving the row for the caller to decide', async () => {
    const doc = await storedDocument(await largePdf(200));
    const controller = new AbortController();
    const res = await ingestRequest(stack.ragUrl, doc.id, { user_id: userId }, controller.signal);
    const reader = res.body!.getReader();
    await reader.read(); // the first progress event
    controller.abort();
    const metrics = stack.rag!.ctx.metrics.ingestCompleted;
    const deadline = Date.now() + 20_000;
    while (!(await metrics.get()).values.some((v) => v.labels.status === 'aborted')) {
      if (Date.now() > deadline) throw new Error('rag did not abort');
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(await repos.documents.get(userId, doc.id)).toMatchObject({ status: 'uploaded', error: null });
    expect(await repos.chunks.countInScope({ userId, documentId: doc.id })).toBe(0);
  });
});
