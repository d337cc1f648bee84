import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  encodeSse,
  SemanticSearchResponse,
  type ChunkReference,
  type SemanticSearchBody,
} from '@classchat/contracts';
import { searchStats } from '@classchat/db';
import { messageText, type ChatRequest } from '@classchat/testkit';
import {
  cellBiologyPages,
  done,
  post,
  seedDocument,
  seedUser,
  startRagWithStudent,
  streamEvents,
  terminal,
  textOf,
  type AnswerHarness,
  type SeededDocument,
} from '../answer.test-helpers.js';
import type { RunningRag } from '../server.js';

let h: AnswerHarness;
let rag: RunningRag;
let userId: string;
let classId: string;
let doc: SeededDocument;
let otherUserId: string;

const STREAM = '/api/v1/semantic_search_stream';
const BLOCKING = '/api/v1/semantic_search';

beforeAll(async () => {
  ({ h, rag, userId } = await startRagWithStudent({ student: 'alice' }));
  classId = (await h.repos.classes.create(userId, 'Biology')).id;
  doc = await seedDocument(h.repos, {
    userId,
    classId,
    fileName: 'Cell Biology.pdf',
    pages: await cellBiologyPages(),
  });
  otherUserId = await seedUser(h.repos, 'bob');
  await seedDocument(h.repos, {
    userId: otherUserId,
    fileName: 'Secret.pdf',
    pages: [
      'Glycolysis glycolysis glycolysis splits glucose into pyruvate: the secret notes of another student.',
    ],
  });
});

afterAll(async () => {
  await h?.stop();
});

beforeEach(() => {
  h.upstream.reset();
});

const ask = (user_query: string, extra: Partial<SemanticSearchBody> = {}): SemanticSearchBody => ({
  user_id: userId,
  class_name: classId,
  doc_id: null,
  user_query,
  chat_history: [],
  source: 'main_app',
  session_id: randomUUID(),
  ...extra,
});

/** `【n】 file, page p` headers of the context blocks the model was given. */
function contextPages(req: ChatRequest): Array<{ n: number; page: number }> {
  const system = messageText(req.messages[0]!);
  return [...system.matchAll(/^【(\d+)】 .+?, pages? (\d+)/gm)].map((m) => ({
    n: Number(m[1]),
    page: Number(m[2]),
  }));
}

describe('semantic_search_stream wire format', () => {
  it('sends route, the scripted tokens exactly, then done — byte for byte', async () => {
    const tokens = [
      'Glycolysis',
      ' splits',
      ' one',
      ' glucose',
      ' into',
      ' two',
      ' pyruvate',
      ' [',
      '1',
      '].',
    ];
    h.upstream.enqueue({ tokens });
    const r = await post(rag.url, STREAM, ask('Where does glycolysis split glucose into pyruvate?'));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(r.headers.get('x-accel-buffering')).toBe('no');
    const final = done(r.events);
    const sources = r.events[1];
    if (sources?.type !== 'sources') throw new Error('the second event announces the sources');
    expect(sources.citations.map((c) => c.n)).toEqual(sources.citations.map((_, i) => i + 1));
    expect(sources.chunkReferences).toEqual(final.chunkReferences);
    const expected =
      encodeSse({ type: 'route', route: 'general_qa' }) +
      encodeSse(sources) +
      tokens.map((t) => encodeSse({ type: 'token', content: t })).join('') +
      encodeSse(final);
    expect(r.raw).toBe(expected);
    expect(
      r.raw.startsWith(
        'data: {"type":"route","route":"general_qa"}\n\ndata: {"type":"sources","citations":[{',
      ),
    ).toBe(true);
    // The model wrote `[1]`; the saved answer cites with the canonical marker.
    expect(final.content).toBe(tokens.join('').replace('[1]', '【1】'));
    expect(final.citations).toHaveLength(1);
    expect(final.citations[0]).toMatchObject({
      n: 1,
      fileName: 'Cell Biology.pdf',
      documentId: doc.documentId,
      page: 2,
    });
    expect(final.usage.completionTokens).toBe(tokens.length);
    expect(final.chunkReferences.length).toBeGreaterThan(0);
    // The model was streamed with usage, and the request carried the numbered context.
    const [req] = h.upstream.chatRequests;
    expect(req!.stream).toBe(true);
    expect(req!.includeUsage).toBe(true);
    expect(contextPages(req!.body)[0]).toEqual({ n: 1, page: 2 });
  });

  it('carries X-Request-ID', async () => {
    const r = await post(rag.url, STREAM, ask('What is glycolysis?'), {
      headers: { 'x-request-id': 'req-abc-123' },
    });
    expect(r.headers.get('x-request-id')).toBe('req-abc-123');
    expect(terminal(r.events)).toHaveLength(1);
  });

  it('answers 400 before any SSE for an invalid body, and 401 without the internal token', async () => {
    const bad = await post(rag.url, STREAM, { user_id: userId, user_query: '' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/json/);
    expect(bad.json).toMatchObject({ code: 'invalid_input' });
    const unauth = await post(rag.url, STREAM, ask('hi'), { token: null });
    expect(unauth.status).toBe(401);
    expect(h.upstream.chatRequests).toHaveLength(0);
  });
});

describe('routes end to end', () => {
  it('general_qa: hybrid retrieval within the class, cited', async () => {
    const r = await post(rag.url, STREAM, ask('How does the sodium potassium pump move ions?'));
    expect(r.events[0]).toEqual({ type: 'route', route: 'general_qa' });
    const req = h.upstream.chatRequests[0]!;
    expect(contextPages(req.body)[0]!.page).toBe(1);
    expect(h.upstream.embeddingRequests.length).toBe(1);
    expect(h.upstream.embeddingRequests[0]!.dimensions).toBe(512);
    expect(done(r.events).citations[0]!.page).toBe(1);
  });

  it('quote_finding: asks for verbatim quotes and pins the quoted passage', async () => {
    h.upstream.enqueue({
      reply: 'The text says: "The pathway has ten enzyme steps and does not need oxygen" [1].',
    });
    const r = await post(
      rag.url,
      STREAM,
      ask('Give me the exact quote where it says glycolysis does not need oxygen'),
    );
    expect(r.events[0]).toEqual({ type: 'route', route: 'quote_finding' });
    const req = h.upstream.chatRequests[0]!;
    expect(messageText(req.body.messages[0]!)).toMatch(/verbatim/);
    expect(req.body.temperature).toBe(0);
    const citation = done(r.events).citations[0]!;
    expect(citation.page).toBe(2);
    expect(citation.snippet).toBe('The pathway has ten enzyme steps and does not need oxygen');
  });

  it('follow_up: reuses the previous answer’s chunks and runs no search', async () => {
    const first = await post(rag.url, STREAM, ask('What does the Krebs cycle produce?'));
    const previous = done(first.events);
    h.upstream.reset();
    searchStats.reset();
    const history = [
      { role: 'user' as const, content: 'What does the Krebs cycle produce?', chunkReferences: [] },
      { role: 'assistant' as const, content: previous.content, chunkReferences: previous.chunkReferences },
    ];
    h.upstream.enqueue({ reply: 'In more detail: it turns twice per glucose [1].' });
    const r = await post(rag.url, STREAM, ask('tell me more', { chat_history: history }));
    expect(r.events[0]).toEqual({ type: 'route', route: 'follow_up' });
    expect(searchStats.fullText).toBe(0);
    expect(searchStats.vector).toBe(0);
    expect(searchStats.sample).toBe(0);
    expect(h.upstream.embeddingRequests).toHaveLength(0);
    const final = done(r.events);
    expect(final.chunkReferences.map((c) => c.chunkId)).toEqual(
      previous.chunkReferences.map((c) => c.chunkId),
    );
    expect(final.citations[0]!.chunkId).toBe(previous.chunkReferences[0]!.chunkId);
    // The previous turn went along as history.
    expect(h.upstream.chatRequests[0]!.body.messages.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'user',
    ]);
  });

  it('follow_up without previous chunk references falls back to general_qa', async () => {
    const history = [
      { role: 'user' as const, content: 'hi', chunkReferences: [] },
      { role: 'assistant' as const, content: 'Hello! Ask me about your material.', chunkReferences: [] },
    ];
    const r = await post(rag.url, STREAM, ask('tell me more', { chat_history: history }));
    expect(r.events[0]).toEqual({ type: 'route', route: 'general_qa' });
  });

  it('follow_up never reloads another user’s chunks', async () => {
    const foreign = await h.repos.chunks.sampleAcross({ userId: otherUserId }, 5);
    const refs: ChunkReference[] = foreign.map((c) => ({
      chunkId: c.chunkId,
      documentId: c.documentId,
      fileName: c.fileName,
      pageStart: c.pageStart,
      pageEnd: c.pageEnd,
    }));
    const history = [
      { role: 'user' as const, content: 'q', chunkReferences: [] },
      { role: 'assistant' as const, content: 'An answer [1].', chunkReferences: refs },
    ];
    h.upstream.reset();
    const r = await post(rag.url, STREAM, ask('tell me more', { chat_history: history }));
    expect(r.events[0]).toEqual({ type: 'route', route: 'general_qa' });
    // With nothing of its own to go on, it searches the student's material, which does not cover it.
    const final = done(r.events);
    expect(final.coverage).toBe('not_covered');
    expect(final.content).not.toMatch(/Secret|another student/);
    expect(h.upstream.chatRequests).toHaveLength(0);
  });

  it('summary: draws on the whole document and cites its first and last pages', async () => {
    h.upstream.enqueue({
      reply: (req) => {
        const blocks = contextPages(req);
        return `It opens with membranes [${blocks[0]!.n}] and ends with photosynthesis [${blocks.at(-1)!.n}].`;
      },
    });
    searchStats.reset();
    const r = await post(rag.url, STREAM, ask('Summarize this document', { doc_id: doc.documentId }));
    expect(r.events[0]).toEqual({ type: 'route', route: 'summary' });
    const pages = contextPages(h.upstream.chatRequests[0]!.body).map((b) => b.page);
    expect(new Set(pages)).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(searchStats.sample).toBe(1);
    expect(searchStats.searches).toBe(0); // no topic named: no search
    const final = done(r.events);
    expect(final.citations.map((c) => c.page)).toEqual([1, 5]);
    expect(final.content).toBe('It opens with membranes 【1】 and ends with photosynthesis 【2】.');
  });

  it('generate_study_guide: spreads over the class and focuses on a named topic', async () => {
    h.upstream.enqueue({ reply: '## Key concepts\n- Chemiosmosis drives ATP synthase [1].' });
    const r = await post(rag.url, STREAM, ask('Make me a study guide on ATP synthase'));
    expect(r.events[0]).toEqual({ type: 'route', route: 'generate_study_guide' });
    const req = h.upstream.chatRequests[0]!;
    expect(messageText(req.body.messages[0]!)).toMatch(/Practice questions/);
    expect(new Set(contextPages(req.body).map((b) => b.page)).size).toBeGreaterThanOrEqual(4);
    expect(messageText(req.body.messages[0]!)).toMatch(/ATP synthase/);
    expect(done(r.events).citations).toHaveLength(1);
  });

  it('the blocking endpoint answers the same pipeline as JSON', async () => {
    h.upstream.enqueue({ reply: 'Two ATP per glucose [1].' });
    const r = await post(rag.url, BLOCKING, ask('What is the net ATP yield of glycolysis?'));
    expect(r.status).toBe(200);
    const body = SemanticSearchResponse.parse(r.json);
    expect(body).toMatchObject({ message: 'Two ATP per glucose 【1】.', route: 'general_qa' });
    expect(body.citations[0]!.page).toBe(2);
  });

  it('the blocking endpoint answers an upstream failure with its status', async () => {
    h.upstream.enqueue({ fail: { status: 429 } });
    const r = await post(rag.url, BLOCKING, ask('What is the net ATP yield of glycolysis?'));
    expect(r.status).toBe(429);
    expect(r.json).toMatchObject({ code: 'upstream_rate_limited' });
  });
});

describe('failures', () => {
  it('upstream 500 before the stream: one error event, no tokens', async () => {
    h.upstream.enqueue({ fail: { status: 500 } });
    const r = await post(rag.url, STREAM, ask('What is glycolysis?'));
    expect(r.status).toBe(200);
    expect(r.events.map((e) => e.type)).toEqual(['route', 'sources', 'error']);
    expect(r.events[2]).toMatchObject({ type: 'error', code: 'upstream_error', retryable: true });
  });

  it('upstream 429: upstream_rate_limited, retryable', async () => {
    h.upstream.enqueue({ fail: { status: 429 } });
    const r = await post(rag.url, STREAM, ask('What is glycolysis?'));
    expect(r.events.at(-1)).toMatchObject({ type: 'error', code: 'upstream_rate_limited', retryable: true });
  });

  it('upstream cut after N tokens: N tokens, then an error', async () => {
    h.upstream.enqueue({ tokens: ['a', 'b', 'c', 'd', 'e', 'f'], cutAfterTokens: 3 });
    const r = await post(rag.url, STREAM, ask('What is glycolysis?'));
    expect(r.events.map((e) => e.type)).toEqual(['route', 'sources', 'token', 'token', 'token', 'error']);
    expect(textOf(r.events)).toBe('abc');
    expect(r.events.at(-1)).toMatchObject({ code: 'stream_interrupted', retryable: true });
  });

  it('an error inside the upstream stream becomes an error event', async () => {
    h.upstream.enqueue({ tokens: ['a', 'b', 'c'], streamError: { afterTokens: 2 } });
    const r = await post(rag.url, STREAM, ask('What is glycolysis?'));
    expect(r.events.map((e) => e.type)).toEqual(['route', 'sources', 'token', 'token', 'error']);
    expect(r.events.at(-1)).toMatchObject({ code: 'upstream_error', retryable: true });
  });

  it('closing the SSE request aborts the upstream request', async () => {
    h.upstream.enqueue({ tokens: Array.from({ length: 200 }, (_, i) => ` w${i}`), tokenDelayMs: 20 });
    const seen = await streamEvents(rag.url, ask('What is glycolysis?'), (e) =>
      e.type === 'token' ? 'stop' : undefined,
    );
    expect(seen.at(-1)!.type).toBe('token');
    const [req] = await h.upstream.waitForRequests(1, { kind: 'chat' });
    const settled = await req!.settled;
    expect(settled.clientDisconnected).toBe(true);
    expect(settled.outcome).toBe('client_disconnected');
    expect((settled as typeof req)!.tokensSent.length).toBeLessThan(200);
  });

  it('closing the SSE request before the first token aborts the waiting upstream request', async () => {
    const fast = await h.startRag({ STREAM_KEEPALIVE_MS: '30' });
    h.upstream.enqueue({ hang: true });
    const seen = await streamEvents(fast.url, ask('What is glycolysis?'), (e) =>
      e.type === 'keepalive' && h.upstream.chatRequests.length > 0 ? 'stop' : undefined,
    );
    expect(seen.map((e) => e.type)).not.toContain('token');
    const settled = await h.upstream.chatRequests[0]!.settled;
    expect(settled.clientDisconnected).toBe(true);
  });
});

describe('stream limits', () => {
  it('sends keepalives during a long first-token delay', async () => {
    const fast = await h.startRag({ STREAM_KEEPALIVE_MS: '50' });
    h.upstream.enqueue({ firstTokenDelayMs: 400, tokens: ['Hi', '.'] });
    const r = await post(fast.url, STREAM, ask('What is glycolysis?'));
    const types = r.events.map((e) => e.type);
    const firstToken = types.indexOf('token');
    const keepalives = types.slice(0, firstToken).filter((t) => t === 'keepalive').length;
    expect(types[0]).toBe('route');
    expect(keepalives).toBeGreaterThanOrEqual(3);
    expect(types.at(-1)).toBe('done');
    expect(textOf(r.events)).toBe('Hi.');
  });

  it('enforces STREAM_MAX_DURATION_S and aborts the upstream', async () => {
    const short = await h.startRag({ STREAM_MAX_DURATION_S: '1' });
    h.upstream.enqueue({ tokens: Array.from({ length: 100 }, (_, i) => ` t${i}`), tokenDelayMs: 50 });
    const r = await post(short.url, STREAM, ask('What is glycolysis?'));
    const tokens = r.events.filter((e) => e.type === 'token').length;
    expect(tokens).toBeGreaterThan(3);
    expect(tokens).toBeLessThan(100);
    expect(r.events.at(-1)).toMatchObject({ type: 'error', code: 'stream_too_long', retryable: true });
    expect(terminal(r.events)).toHaveLength(1);
    const settled = await h.upstream.chatRequests[0]!.settled;
    expect(settled.clientDisconnected).toBe(true);
  });

  it('maps a response that does not start within OPENAI_TIMEOUT_MS to upstream_timeout', async () => {
    const impatient = await h.startRag({ OPENAI_TIMEOUT_MS: '300' });
    h.upstream.enqueue({ firstTokenDelayMs: 2000 });
    const r = await post(impatient.url, STREAM, ask('What is glycolysis?'));
    expect(r.events.map((e) => e.type)).toEqual(['route', 'sources', 'error']);
    expect(r.events.at(-1)).toMatchObject({ code: 'upstream_timeout', retryable: true });
    expect(h.upstream.chatRequests).toHaveLength(1); // no SDK retry
  });

  it('groups STREAM_CHUNK_SIZE model tokens per token event', async () => {
    const chunked = await h.startRag({ STREAM_CHUNK_SIZE: '3' });
    h.upstream.enqueue({ tokens: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] });
    const r = await post(chunked.url, STREAM, ask('What is glycolysis?'));
    expect(r.events.filter((e) => e.type === 'token').map((e) => (e as { content: string }).content)).toEqual(
      ['abc', 'def', 'g'],
    );
  });

  it('sends the first token at once and what follows within STREAM_COALESCE_MS as one event', async () => {
    const coalescing = await h.startRag({ STREAM_COALESCE_MS: '1000' });
    h.upstream.enqueue({ tokens: ['a', 'b', 'c', 'd'], tokenDelayMs: 100 });
    const r = await post(coalescing.url, STREAM, ask('What is glycolysis?'));
    expect(r.events.filter((e) => e.type === 'token').map((e) => (e as { content: string }).content)).toEqual(
      ['a', 'bcd'],
    );
  });

  it('OPENAI_STREAMING_ENABLED=false: one blocking completion through the same events', async () => {
    const blocking = await h.startRag({ OPENAI_STREAMING_ENABLED: 'false' });
    h.upstream.enqueue({ reply: 'Two pyruvate molecules [1].' });
    const r = await post(blocking.url, STREAM, ask('What does glycolysis produce?'));
    expect(h.upstream.chatRequests[0]!.stream).toBe(false);
    expect(r.events.map((e) => e.type)).toEqual(['route', 'sources', 'token', 'done']);
    expect(done(r.events)).toMatchObject({ content: 'Two pyruvate molecules 【1】.' });
  });

  it('answers 429 before any model call when the tokens-per-minute budget is spent', async () => {
    const limited = await h.startRag({ OPENAI_TPM_LIMIT: '100' });
    const first = await post(limited.url, STREAM, ask('What is glycolysis?'));
    expect(first.events.at(-1)!.type).toBe('done');
    h.upstream.reset();
    const second = await post(limited.url, STREAM, ask('What is glycolysis?'));
    expect(second.status).toBe(429);
    expect(second.json).toMatchObject({ code: 'tpm_exceeded' });
    expect(h.upstream.chatRequests).toHaveLength(0);
  });
});

describe('observability', () => {
  it('logs stream started / first token / completed with the request id, and counts metrics', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        cb();
      },
    });
    const logged = await h.startRag({}, { logger: pino({ level: 'info' }, sink) });
    h.upstream.enqueue({ fail: { status: 503 } });
    await post(logged.url, STREAM, ask('What is glycolysis?'), { headers: { 'x-request-id': 'rid-fail' } });
    await post(logged.url, STREAM, ask('What is glycolysis?'), { headers: { 'x-request-id': 'rid-ok' } });
    const ofRequest = (id: string) =>
      lines.filter((l) => (l.req as { id?: string } | undefined)?.id === id).map((l) => l.event);
    expect(ofRequest('rid-ok')).toEqual(
      expect.arrayContaining(['stream_started', 'stream_first_token', 'stream_completed']),
    );
    expect(ofRequest('rid-fail')).toEqual(expect.arrayContaining(['stream_started', 'stream_failed']));
    const completed = lines.find((l) => l.event === 'stream_completed')!;
    expect(typeof completed.tokens).toBe('number');
    expect(typeof completed.durationMs).toBe('number');
    const metrics = await logged.ctx.metrics.registry.metrics();
    expect(metrics).toMatch(/stream_started_total 2/);
    expect(metrics).toMatch(/stream_completed_total 1/);
    expect(metrics).toMatch(/stream_failed_total\{reason="upstream_error"\} 1/);
    expect(metrics).toMatch(/stream_first_token_seconds_count 1/);
  });
});
