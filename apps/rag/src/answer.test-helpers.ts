/**
 * Shared set-up of rag's answer tests: the embedded database, the fake OpenAI upstream, rag servers
 * on free ports, seeding through the repositories, and an SSE client that keeps the raw bytes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  INTERNAL_TOKEN_HEADER,
  RagStreamEvent,
  SseDecoder,
  type SemanticSearchBody,
} from '@classchat/contracts';
import { connect, createRepositories, type Database, type Repositories } from '@classchat/db';
import {
  fakeEmbedding,
  multiPagePdf,
  startFakeOpenAI,
  startTestDatabase,
  type FakeOpenAI,
  type TestDatabase,
} from '@classchat/testkit';
import type { Logger } from 'pino';
import { loadRagConfig } from './config.js';
import { startRag, type RunningRag } from './server.js';

export const INTERNAL_TOKEN = 'rag-test-internal-token';

type Env = Record<string, string | undefined>;

export interface AnswerHarness {
  db: TestDatabase;
  database: Database;
  repos: Repositories;
  upstream: FakeOpenAI;
  /** The rags' DATA_DIR (uploads live under `files/`). */
  dataDir: string;
  /** A rag on a free port; `env` adds to (or, with `undefined`, removes from) the defaults. */
  startRag(env?: Env, options?: { offline?: boolean; logger?: Logger }): Promise<RunningRag>;
  stop(): Promise<void>;
}

export async function startAnswerHarness(): Promise<AnswerHarness> {
  const db = await startTestDatabase();
  const database = connect(db.url, { max: 4 });
  const upstream = await startFakeOpenAI();
  const dataDir = mkdtempSync(join(tmpdir(), 'cc-rag-answer-'));
  const rags: RunningRag[] = [];
  return {
    db,
    database,
    repos: createRepositories(database.db),
    upstream,
    dataDir,
    async startRag(env = {}, options = {}) {
      const base: Env = {
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        DATA_DIR: dataDir,
        INTERNAL_TOKEN,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        HOST: '127.0.0.1',
        PORT: '0',
        OFFLINE_TOKEN_DELAY_MS: '1',
        // One token event per model token, never merged: tests count and resume at seqs.
        STREAM_COALESCE_MS: 'off',
        ...(options.offline ? {} : { OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: upstream.url }),
      };
      const rag = await startRag(
        loadRagConfig({ ...base, ...env }),
        options.logger ? { logger: options.logger } : {},
      );
      rags.push(rag);
      return rag;
    },
    async stop() {
      for (const rag of rags) await rag.stop();
      await upstream.close();
      await database.close();
      await db.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let seq = 0;

export async function seedUser(repos: Repositories, name = 'student'): Promise<string> {
  const user = await repos.users.create({
    email: `${name}-${Date.now().toString(36)}-${++seq}@example.com`,
    name,
    passwordHash: 'x',
  });
  return user.id;
}

export interface SeededDocument {
  documentId: string;
  fileName: string;
  /** Chunk ids by page (1-based index into the array = page number). */
  chunkIdsByPage: Map<number, string[]>;
}

/**
 * A ready document whose chunks are given directly (one per paragraph of each page, a heading
 * joined to the paragraph after it), optionally with the fake upstream's embeddings.
 */
export async function seedDocument(
  repos: Repositories,
  input: { userId: string; classId?: string | null; fileName: string; pages: string[]; embed?: boolean },
): Promise<SeededDocument> {
  const doc = await repos.documents.create({
    userId: input.userId,
    classId: input.classId ?? null,
    fileName: input.fileName,
    mimeType: 'application/pdf',
    byteSize: 1000,
    sha256: `sha-${++seq}`,
    storageKey: `test/${seq}.pdf`,
  });
  const chunks = input.pages.flatMap((pageText, p) => {
    let offset = 0;
    const pieces = pageText.split(/\n\n+/).map((paragraph) => {
      const charStart = pageText.indexOf(paragraph, offset);
      offset = charStart + paragraph.length;
      return { page: p + 1, text: paragraph, charStart, charEnd: offset };
    });
    return withHeadingsJoined(pieces, pageText);
  });
  await repos.chunks.insertForDocument(
    { id: doc.id, userId: input.userId, classId: input.classId ?? null },
    chunks.map((c, i) => ({
      chunkIndex: i,
      pageStart: c.page,
      pageEnd: c.page,
      charStart: c.charStart,
      charEnd: c.charEnd,
      text: c.text,
      tokenCount: Math.ceil(c.text.length / 4),
      embedding: input.embed === false ? null : Array.from(fakeEmbedding(c.text)),
    })),
  );
  await repos.documents.markReady(doc.id, input.pages.length, chunks.length);
  const rows = await repos.chunks.sampleAcross({ userId: input.userId, documentId: doc.id }, 10_000);
  const chunkIdsByPage = new Map<number, string[]>();
  for (const r of rows)
    chunkIdsByPage.set(r.pageStart, [...(chunkIdsByPage.get(r.pageStart) ?? []), r.chunkId]);
  return { documentId: doc.id, fileName: input.fileName, chunkIdsByPage };
}

/** A short line without a sentence's end ("Chapter 2: Glycolysis"): a heading. */
const isHeading = (text: string) => text.length <= 80 && !/[.!?]$/.test(text.trim());

/**
 * Joins each heading to the paragraph after it, as ingestion's chunker does: a chunk opens with its
 * section's title rather than the title standing alone.
 */
function withHeadingsJoined<C extends { text: string; charStart: number; charEnd: number }>(
  pieces: C[],
  pageText: string,
): C[] {
  const out: C[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    const next = pieces[i + 1];
    if (next && isHeading(piece.text)) {
      out.push({ ...next, text: pageText.slice(piece.charStart, next.charEnd), charStart: piece.charStart });
      i++;
    } else out.push(piece);
  }
  return out;
}

/** The five pages of the "Cell Biology 101, Unit 4" fixture (membranes … photosynthesis). */
export async function cellBiologyPages(): Promise<string[]> {
  return (await multiPagePdf()).expected.pages;
}

export interface SseResult {
  status: number;
  headers: Headers;
  /** The body exactly as received. */
  raw: string;
  events: RagStreamEvent[];
  /** Parsed JSON body of a non-SSE answer. */
  json: unknown;
}

/** POSTs to rag and reads the whole answer (SSE or JSON). */
export async function post(
  baseUrl: string,
  path: string,
  body: SemanticSearchBody | Record<string, unknown>,
  options: { token?: string | null; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<SseResult> {
  const token = options.token === undefined ? INTERNAL_TOKEN : options.token;
  const res = await fetch(new URL(path, baseUrl), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { [INTERNAL_TOKEN_HEADER]: token } : {}),
      ...options.headers,
    },
    body: JSON.stringify(body),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const raw = await res.text();
  const isSse = (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
  const decoder = new SseDecoder(RagStreamEvent, (issue) => {
    throw new Error(`bad SSE event: ${issue.data} (${issue.reason})`);
  });
  const events = isSse ? [...decoder.push(raw), ...decoder.end()] : [];
  return { status: res.status, headers: res.headers, raw, events, json: isSse ? null : JSON.parse(raw) };
}

/**
 * Opens an SSE answer and hands each event to `onEvent` as it arrives; `onEvent` returning `'stop'`
 * closes the connection (as a client closing its tab would).
 */
export async function streamEvents(
  baseUrl: string,
  body: SemanticSearchBody,
  onEvent: (event: RagStreamEvent) => 'stop' | void,
): Promise<RagStreamEvent[]> {
  const controller = new AbortController();
  const res = await fetch(new URL('/api/v1/semantic_search_stream', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: INTERNAL_TOKEN },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  const seen: RagStreamEvent[] = [];
  const decoder = new SseDecoder(RagStreamEvent);
  try {
    for await (const chunk of res.body!) {
      for (const event of decoder.push(chunk as Uint8Array)) {
        seen.push(event);
        if (onEvent(event) === 'stop') {
          controller.abort();
          return seen;
        }
      }
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  }
  return seen;
}

export const textOf = (events: RagStreamEvent[]) =>
  events.flatMap((e) => (e.type === 'token' ? [e.content] : [])).join('');

export const terminal = (events: RagStreamEvent[]) =>
  events.filter((e) => e.type === 'done' || e.type === 'error');

/** The stream's last event, which must be its `done`. */
export const done = (events: RagStreamEvent[]) => {
  const last = events.at(-1);
  if (last?.type !== 'done') throw new Error(`expected done, got ${JSON.stringify(last)}`);
  return last;
};

export interface RagWithStudent {
  h: AnswerHarness;
  rag: RunningRag;
  userId: string;
}

/** A harness with one rag (with the model, or `offline`) and one student named `student`. */
export async function startRagWithStudent(
  options: { offline?: boolean; student?: string } = {},
): Promise<RagWithStudent> {
  const h = await startAnswerHarness();
  const rag = await h.startRag({}, { offline: options.offline ?? false });
  return { h, rag, userId: await seedUser(h.repos, options.student) };
}

/** A harness with one rag, one student and the Cell Biology PDF: what the answer tests run against. */
export async function startCellBiologyRag(): Promise<RagWithStudent> {
  const started = await startRagWithStudent();
  const { h, userId } = started;
  await seedDocument(h.repos, { userId, fileName: 'Cell Biology.pdf', pages: await cellBiologyPages() });
  return started;
}
