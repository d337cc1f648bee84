import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SemanticSearchBody } from '@classchat/contracts';
import {
  cellBiologyPages,
  done,
  post,
  seedDocument,
  startRagWithStudent,
  textOf,
  type AnswerHarness,
} from '../../answer.test-helpers.js';
import type { RunningRag } from '../../server.js';
import { wordPieces } from './stream.js';

describe('offline mode end to end', () => {
  let h: AnswerHarness, rag: RunningRag, userId: string;
  let documentId: string;

  beforeAll(async () => {
    ({ h, rag, userId } = await startRagWithStudent({ offline: true }));
    ({ documentId } = await seedDocument(h.repos, {
      userId,
      fileName: 'Cell Biology.pdf',
      pages: await cellBiologyPages(),
      embed: false,
    }));
  });
  afterAll(async () => {
    await h?.stop();
  });

  const ask = (user_query: string, extra: Partial<SemanticSearchBody> = {}): SemanticSearchBody => ({
    user_id: userId,
    user_query,
    session_id: randomUUID(),
    ...extra,
  });

  it('streams a cited extractive answer token by token', async () => {
    const r = await post(
      rag.url,
      '/api/v1/semantic_search_stream',
      ask('What is the net ATP yield of glycolysis?'),
    );
    expect(r.events[0]).toEqual({ type: 'route', route: 'general_qa' });
    const tokens = r.events.filter((e) => e.type === 'token');
    expect(tokens.length).toBeGreaterThan(20);
    const final = done(r.events);
    expect(textOf(r.events)).toBe(final.content);
    expect(final.content).toMatch(/^_Offline answer \(no language model is configured\)/);
    expect(final.content).toMatch(/the net yield of glycolysis is two ATP per glucose/);
    expect(final.content).toMatch(/【1】/);
    expect(final.citations[0]).toMatchObject({ n: 1, page: 2, fileName: 'Cell Biology.pdf', documentId });
    expect(final.citations.map((c) => c.snippet).join(' ')).toMatch(
      /net yield of glycolysis is two ATP per glucose/,
    );
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('says so when nothing relevant is found', async () => {
    const r = await post(rag.url, '/api/v1/semantic_search_stream', ask('Who won the 1998 World Cup?'));
    const final = done(r.events);
    expect(final.content).toMatch(/^Your material does not seem to cover this\./);
    expect(final.coverage).toBe('not_covered');
  });

  it('summarises offline with passages from the first to the last page', async () => {
    const r = await post(
      rag.url,
      '/api/v1/semantic_search_stream',
      ask('summarize this document', { doc_id: documentId }),
    );
    expect(r.events[0]).toEqual({ type: 'route', route: 'summary' });
    const pages = done(r.events).citations.map((c) => c.page);
    expect(pages[0]).toBe(1);
    expect(pages.at(-1)).toBe(5);
  });

  it('writes the answer out in word pieces that join back to it exactly', () => {
    const text = 'Hello  world,\nagain ';
    expect(wordPieces(text).join('')).toBe(text);
  });

  it('does not need a token budget', async () => {
    const limited = await h.startRag({ OPENAI_TPM_LIMIT: '1' }, { offline: true });
    for (let i = 0; i < 2; i++) {
      const r = await post(limited.url, '/api/v1/semantic_search_stream', ask('glycolysis'));
      expect(r.status).toBe(200);
    }
  });
});
