import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeSse,
  IngestEvent,
  INTERNAL_TOKEN_HEADER,
  type RagStreamEvent,
  type SemanticSearchBody,
} from '@classchat/contracts';
import { courseReaderPdf } from '@classchat/testkit';
import { INTERNAL_TOKEN, post, startRagWithStudent, type AnswerHarness } from '../../answer.test-helpers.js';
import type { RunningRag } from '../../server.js';

/**
 * Every route offline, over a generated course reader (title page, contents, three chapters with
 * running headers and code examples, an index) ingested by rag's real pipeline.
 */
let h: AnswerHarness, rag: RunningRag, userId: string;
let documentId: string;

beforeAll(async () => {
  ({ h, rag, userId } = await startRagWithStudent({ offline: true }));
  const fixture = await courseReaderPdf();
  documentId = randomUUID();
  mkdirSync(join(h.dataDir, 'files'), { recursive: true });
  writeFileSync(join(h.dataDir, 'files', documentId), fixture.bytes);
  await h.repos.documents.create({
    id: documentId,
    userId,
    classId: null,
    fileName: fixture.fileName,
    mimeType: 'application/pdf',
    byteSize: fixture.bytes.length,
    sha256: documentId,
    storageKey: documentId,
  });
  const res = await fetch(`${rag.url}/api/v1/documents/${documentId}/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: INTERNAL_TOKEN },
    body: JSON.stringify({ user_id: userId }),
  });
  const events: IngestEvent[] = [];
  for await (const e of decodeSse(res.body!, IngestEvent)) events.push(e);
  expect(events.at(-1)).toMatchObject({ type: 'ready' });
});
afterAll(async () => {
  await h?.stop();
});

async function ask(
  user_query: string,
): Promise<{ route: string; done: Extract<RagStreamEvent, { type: 'done' }> }> {
  const body: SemanticSearchBody = {
    user_id: userId,
    doc_id: documentId,
    user_query,
    session_id: randomUUID(),
  };
  const r = await post(rag.url, '/api/v1/semantic_search_stream', body);
  const first = r.events[0];
  const last = r.events.at(-1);
  if (first?.type !== 'route' || last?.type !== 'done') throw new Error(`unexpected events ${r.raw}`);
  return { route: first.route, done: last };
}

describe('offline answers over a course reader', () => {
  it('general_qa: the defining sentence, cited on its page, without the running header', async () => {
    const { route, done } = await ask('What is a factor?');
    expect(route).toBe('general_qa');
    expect(done.content).toContain('A factor is a vector object used to specify a discrete classification');
    const first = done.citations[0]!;
    expect(first.page).toBe(4);
    expect(first.snippet).toMatch(/^A factor is a vector object/);
    expect(done.content).not.toMatch(/spring term/);
    expect(done.study).toBeUndefined();
  });

  it('general_qa: a how-to answer shows the code example that follows, as code', async () => {
    const { done } = await ask('How do I read a data file into a data frame?');
    expect(done.content).toMatch(/read\.table\(\) reads a file in table format/);
    expect(done.content).toMatch(/```\n> > houses <- read\.table\("houses\.data", header = TRUE\)\n> ```/);
  });

  it('summary: one part per chapter with its pages, no contents, index or dot leaders', async () => {
    const { route, done } = await ask('summarize this document');
    expect(route).toBe('summary');
    const parts = [...done.content.matchAll(/\*\*(.+?)\*\* · (pp?\. [\d–]+)/g)].map((m) => m[1]);
    expect(parts).toEqual(['1 Vectors', '2 Factors', '3 Data frames']);
    expect(done.content).not.toMatch(/Contents|Index|\. \. \.|spring term/);
    expect(done.citations.map((c) => c.page)).toEqual(expect.arrayContaining([3, 4, 5]));
  });

  it('study guide: key terms, key points and 5–10 questions with answers and citations', async () => {
    const { route, done } = await ask('make me a study guide');
    expect(route).toBe('generate_study_guide');
    const study = done.study;
    if (study?.kind !== 'study_guide') throw new Error('expected a study guide');
    expect(study.keyTerms.map((t) => t.term)).toEqual(
      expect.arrayContaining(['vector', 'factor', 'data frame']),
    );
    expect(study.questions.length).toBeGreaterThanOrEqual(5);
    expect(study.questions.length).toBeLessThanOrEqual(10);
    for (const q of study.questions) expect(done.citations[q.citation - 1]?.page).toBe(q.page);
  });

  it('quiz: questions about the topic, each with its answer and page', async () => {
    const { route, done } = await ask('quiz me on factors');
    expect(route).toBe('quiz');
    const study = done.study;
    if (study?.kind !== 'quiz') throw new Error('expected a quiz');
    expect(study.topic).toBe('factors');
    expect(study.questions.length).toBeGreaterThanOrEqual(2);
    expect(study.questions.every((q) => q.answer.length > 0 && q.page >= 3 && q.page <= 6)).toBe(true);
    expect(study.questions.some((q) => q.page === 4)).toBe(true);
  });
});
