import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RagStreamEvent, SemanticSearchBody } from '@classchat/contracts';
import {
  cellBiologyPages,
  post,
  seedDocument,
  seedUser,
  startAnswerHarness,
  textOf,
  type AnswerHarness,
} from '../answer.test-helpers.js';
import type { RunningRag } from '../server.js';
import {
  bestSentences,
  extractiveAnswer,
  OFFLINE_NOTHING_FOUND,
  OFFLINE_NOTICE,
  sentencesOf,
  wordPieces,
} from './offline.js';

const src = (page: number, text: string) => ({ fileName: 'Notes.pdf', pageStart: page, pageEnd: page, text });

describe('extractive answers', () => {
  it('quote the best sentences of the best passages, cited [n], under one offline notice', () => {
    const answer = extractiveAnswer('general_qa', 'What is the net ATP yield of glycolysis?', [
      src(
        2,
        'Glycolysis has two phases. The net yield of glycolysis is two ATP per glucose. Yeast ferments.',
      ),
      src(3, 'The Krebs cycle turns twice per glucose.'),
    ]);
    expect(answer.startsWith(`${OFFLINE_NOTICE}\n\n`)).toBe(true);
    expect(answer).toContain('> “The net yield of glycolysis is two ATP per glucose. Yeast ferments.” [1]');
    expect(answer).toContain('— Notes.pdf, page 2');
    expect(answer).toContain('[2]');
    expect(answer.match(/Offline answer/g)).toHaveLength(1);
  });

  it('says so when nothing relevant was found', () => {
    expect(extractiveAnswer('general_qa', 'anything', [])).toBe(OFFLINE_NOTHING_FOUND);
    expect(OFFLINE_NOTHING_FOUND).toMatch(/no language model is configured/);
    expect(OFFLINE_NOTHING_FOUND).toMatch(/couldn't find anything/);
  });

  it('opens passages spread from first to last for summaries', () => {
    const sources = Array.from({ length: 10 }, (_, i) => src(i + 1, `Page ${i + 1} opens here. Then more.`));
    const answer = extractiveAnswer('summary', 'summarize', sources);
    expect(answer).toContain('“Page 1 opens here.” [1]');
    expect(answer).toContain('“Page 10 opens here.” [10]');
    expect(answer.match(/^> “/gm)).toHaveLength(6);
  });

  it('splits sentences and words losslessly enough', () => {
    expect(sentencesOf('One. Two!  Three?\nFour')).toEqual(['One.', 'Two!', 'Three?', 'Four']);
    expect(bestSentences('Alpha beta. Gamma delta. Epsilon.', 'gamma', 1)).toEqual(['Gamma delta.']);
    const text = 'Hello  world,\nagain ';
    expect(wordPieces(text).join('')).toBe(text);
  });
});

describe('offline mode end to end', () => {
  let h: AnswerHarness;
  let rag: RunningRag;
  let userId: string;
  let documentId: string;

  beforeAll(async () => {
    h = await startAnswerHarness();
    rag = await h.startRag({}, { offline: true });
    userId = await seedUser(h.repos);
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
  const done = (events: RagStreamEvent[]) => {
    const last = events.at(-1);
    if (last?.type !== 'done') throw new Error(`expected done, got ${JSON.stringify(last)}`);
    return last;
  };

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
    expect(textOf(r.events).startsWith(OFFLINE_NOTICE)).toBe(true);
    expect(final.content).toMatch(/the net yield of glycolysis is two ATP per glucose/);
    expect(final.content).toMatch(/\[1\]/);
    expect(final.citations[0]).toMatchObject({ n: 1, page: 2, fileName: 'Cell Biology.pdf', documentId });
    expect(final.citations[0]!.snippet).toMatch(/net yield of glycolysis is two ATP per glucose/);
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

  it('does not need a token budget', async () => {
    const limited = await h.startRag({ OPENAI_TPM_LIMIT: '1' }, { offline: true });
    for (let i = 0; i < 2; i++) {
      const r = await post(limited.url, '/api/v1/semantic_search_stream', ask('glycolysis'));
      expect(r.status).toBe(200);
    }
  });
});
