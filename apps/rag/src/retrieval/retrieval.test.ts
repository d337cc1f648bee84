import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createRepositories, type Database, type Repositories } from '@classchat/db';
import { startFakeOpenAI, startTestDatabase, type FakeOpenAI, type TestDatabase } from '@classchat/testkit';
import { cellBiologyPages, seedDocument, seedUser, type SeededDocument } from '../answer.test-helpers.js';
import { ROUTE_CONFIG } from '../routing/route-config.js';
import { inReadingOrder, spreadPassages, topicOf, type PassageDeps } from './passages.js';
import { readScopeWords } from './scope-words.js';
import {
  createOpenAIQueryEmbedder,
  embeddedScopes,
  EXACT_SCAN_MAX,
  hybridSearch,
  type QueryEmbedder,
} from './search.js';

let db: TestDatabase;
let database: Database;
let repos: Repositories;
let upstream: FakeOpenAI;
let embedder: QueryEmbedder;
let alice: string;
let bob: string;
let biology: string;
let chemistry: string;
let cells: SeededDocument;
let acids: SeededDocument;
let plain: SeededDocument;

beforeAll(async () => {
  db = await startTestDatabase();
  database = connect(db.url, { max: 4 });
  repos = createRepositories(database.db);
  upstream = await startFakeOpenAI();
  embedder = createOpenAIQueryEmbedder(
    new OpenAI({ apiKey: 'test', baseURL: upstream.url, maxRetries: 0 }),
    'text-embedding-3-small',
  );
  alice = await seedUser(repos, 'alice');
  bob = await seedUser(repos, 'bob');
  biology = (await repos.classes.create(alice, 'Biology')).id;
  chemistry = (await repos.classes.create(alice, 'Chemistry')).id;
  cells = await seedDocument(repos, {
    userId: alice,
    classId: biology,
    fileName: 'Cell Biology.pdf',
    pages: await cellBiologyPages(),
  });
  acids = await seedDocument(repos, {
    userId: alice,
    classId: chemistry,
    fileName: 'Acids.pdf',
    pages: ['Acids donate protons.\n\nA buffer resists changes in pH when glucose is absent.'],
  });
  plain = await seedDocument(repos, {
    userId: alice,
    classId: chemistry,
    fileName: 'No embeddings.txt',
    pages: ['Titration measures concentration with a burette.'],
    embed: false,
  });
  // Bob's notes match glucose questions far better than anything of Alice's.
  await seedDocument(repos, {
    userId: bob,
    classId: null,
    fileName: 'Bob glucose notes.pdf',
    pages: [
      'Glucose glucose glucose: glycolysis splits glucose into two pyruvate molecules in the cytoplasm. Glucose!',
      'Glycolysis glucose pyruvate ATP NADH glycolysis glucose.',
    ],
  });
});

afterAll(async () => {
  await upstream?.close();
  await database?.close();
  await db?.stop();
});

const deps = (overrides: Partial<PassageDeps> = {}): PassageDeps => ({
  chunks: repos.chunks,
  embedder,
  ...overrides,
});
const bobsChunkIds = async () =>
  new Set((await repos.chunks.sampleAcross({ userId: bob }, 100)).map((c) => c.chunkId));

describe('hybrid retrieval', () => {
  it('never returns another user’s chunks, even when their text matches the query better', async () => {
    const foreign = await bobsChunkIds();
    for (const scope of [{ userId: alice }, { userId: alice, classId: biology }]) {
      const result = await hybridSearch(deps(), scope, 'glycolysis splits glucose into pyruvate', {
        k: 20,
        candidates: 50,
      });
      expect(result.mode).toBe('hybrid');
      expect(result.passages.length).toBeGreaterThan(0);
      expect(result.passages.some((p) => foreign.has(p.chunkId))).toBe(false);
      expect(result.passages.every((p) => p.fileName !== 'Bob glucose notes.pdf')).toBe(true);
    }
    // …and Bob's own scope does find them.
    const bobs = await hybridSearch(deps(), { userId: bob }, 'glycolysis glucose', { k: 5, candidates: 10 });
    expect(bobs.passages.every((p) => foreign.has(p.chunkId))).toBe(true);
  });

  it('keeps to the class or document in scope', async () => {
    const inBiology = await hybridSearch(deps(), { userId: alice, classId: biology }, 'glucose', {
      k: 50,
      candidates: 50,
    });
    expect(new Set(inBiology.passages.map((p) => p.documentId))).toEqual(new Set([cells.documentId]));
    const inAcids = await hybridSearch(deps(), { userId: alice, documentId: acids.documentId }, 'glucose', {
      k: 50,
      candidates: 50,
    });
    expect(new Set(inAcids.passages.map((p) => p.documentId))).toEqual(new Set([acids.documentId]));
  });

  it('ranks the passage that answers first and carries document name and pages', async () => {
    const { passages } = await hybridSearch(
      deps(),
      { userId: alice, classId: biology },
      'What is the net ATP yield of glycolysis?',
      {
        k: 6,
        candidates: 40,
      },
    );
    expect(passages[0]).toMatchObject({ fileName: 'Cell Biology.pdf', pageStart: 2, pageEnd: 2, rank: 1 });
    expect(passages[0]!.text).toMatch(/net\s+yield of glycolysis is two ATP/);
    expect(passages.map((p) => p.rank)).toEqual(passages.map((_, i) => i + 1));
  });

  it('fuses by reciprocal rank: the vector leg fills k even when no word matches', async () => {
    const scope = { userId: alice, classId: biology };
    const fullTextOnly = await hybridSearch(deps({ embedder: null }), scope, 'zzzz qqqq', {
      k: 5,
      candidates: 20,
    });
    expect(fullTextOnly).toEqual({ passages: [], mode: 'full_text', terms: [], termMatch: 0 });
    const hybrid = await hybridSearch(deps(), scope, 'zzzz qqqq', { k: 5, candidates: 20 });
    expect(hybrid.mode).toBe('hybrid');
    expect(hybrid.passages).toHaveLength(5);
  });

  it('embeds the query with 512 dimensions through the SDK', async () => {
    upstream.reset();
    await hybridSearch(deps(), { userId: alice }, 'membrane proteins', { k: 3, candidates: 10 });
    expect(upstream.embeddingRequests).toHaveLength(1);
    expect(upstream.embeddingRequests[0]!.body).toMatchObject({
      input: 'membrane proteins',
      dimensions: 512,
    });
  });

  it('is full-text only without embeddings in scope (and makes no embeddings call)', async () => {
    upstream.reset();
    const result = await hybridSearch(
      deps(),
      { userId: alice, documentId: plain.documentId },
      'titration burette',
      {
        k: 3,
        candidates: 10,
      },
    );
    expect(result.mode).toBe('full_text');
    expect(result.passages[0]!.fileName).toBe('No embeddings.txt');
    expect(upstream.embeddingRequests).toHaveLength(0);
  });

  it('falls back to full-text when the embeddings call fails', async () => {
    upstream.reset();
    upstream.enqueueEmbeddings({ fail: { status: 500 } }, { fail: { status: 500 } });
    const warnings: unknown[] = [];
    const result = await hybridSearch(
      deps({ logger: { warn: (o: unknown) => void warnings.push(o) } }),
      { userId: alice, classId: biology },
      'glycolysis',
      { k: 3, candidates: 10 },
    );
    expect(result.mode).toBe('full_text');
    expect(result.passages.length).toBeGreaterThan(0);
    expect(warnings).toHaveLength(1);
  });
});

describe('related words in full-text retrieval', () => {
  it('finds the passage that uses the manual’s word for what the question asks, and keeps coverage to the question’s words', async () => {
    const manualClass = (await repos.classes.create(alice, 'Plotting manual')).id;
    await seedDocument(repos, {
      userId: alice,
      classId: manualClass,
      fileName: 'Plotting.pdf',
      embed: false,
      pages: [
        'Each plot can show a legend naming its curves. The legend lists every curve with its colour.',
        'The legend is drawn inside the plot frame.',
        'To suppress the legend, give the nokey option.',
        'Curves are drawn in the order they are given.',
      ],
    });
    const scope = { userId: alice, classId: manualClass };
    const found = await hybridSearch(deps({ embedder: null }), scope, 'How do I hide the legend?', {
      k: 3,
      candidates: 10,
    });
    expect(found.passages[0]!.text).toContain('suppress');
    // "suppress" is reported for the answer to weigh; coverage is judged on "hide" and "legend" alone.
    expect(found.terms.map((t) => t.term)).toEqual(['hide', 'legend', 'suppress']);
    expect(found.termMatch).toBeLessThan(1);
  });

  it('finds the passage that writes another form of an irregular verb of the question ("sent" for "send")', async () => {
    const manualClass = (await repos.classes.create(alice, 'Printing manual')).id;
    await seedDocument(repos, {
      userId: alice,
      classId: manualClass,
      fileName: 'Printing.pdf',
      embed: false,
      pages: [
        'Printer settings: the printer paper and the printer margins apply to every figure.',
        'Each figure is sent to the printer when the session ends.',
      ],
    });
    const scope = { userId: alice, classId: manualClass };
    const found = await hybridSearch(
      deps({ embedder: null }),
      scope,
      'How do I send a figure to the printer?',
      {
        k: 2,
        candidates: 10,
      },
    );
    expect(found.passages[0]!.text).toContain('is sent to');
    // "sent" reorders; it does not make the question look covered by a chunk without "send".
    expect(found.termMatch).toBeLessThan(1);
  });
});

describe('phrasing words in full-text retrieval', () => {
  it('searches a phrasing word the question names a thing with ("single quotes")', async () => {
    const manualClass = (await repos.classes.create(alice, 'Shell manual')).id;
    await seedDocument(repos, {
      userId: alice,
      classId: manualClass,
      fileName: 'Shell.pdf',
      embed: false,
      pages: [
        'Single and double precision differ in how many digits a number keeps.',
        'Quotes: a single character inside quotes keeps its literal value; double quotes allow expansion.',
        'A double click opens the file; a single click selects it.',
      ],
    });
    const scope = { userId: alice, classId: manualClass };
    const found = await hybridSearch(
      deps({ embedder: null }),
      scope,
      'What is the difference between single quotes and double quotes?',
      { k: 3, candidates: 10 },
    );
    expect(found.terms.map((t) => t.term)).toContain('quot');
    expect(found.passages[0]!.text).toContain('literal value');
  });
});

describe('embedded scopes memo', () => {
  it('remembers how many embedded chunks a scope holds, only when it has some, for a while', async () => {
    let clock = 0;
    const memo = embeddedScopes({ ttlMs: 60_000, max: 2, now: () => clock });
    const a = { userId: alice, classId: biology };
    expect(memo.get(a)).toBeUndefined();
    const result = await hybridSearch({ ...deps(), embeddedScopes: memo }, a, 'glycolysis', {
      k: 3,
      candidates: 10,
    });
    expect(result.mode).toBe('hybrid');
    expect(memo.get(a)).toBe(await repos.chunks.countInScope(a));
    expect(memo.get({ userId: alice })).toBeUndefined();
    const plainScope = { userId: alice, documentId: plain.documentId };
    await hybridSearch({ ...deps(), embeddedScopes: memo }, plainScope, 'titration', {
      k: 3,
      candidates: 10,
    });
    expect(memo.get(plainScope)).toBeUndefined();
    clock = 60_001;
    expect(memo.get(a)).toBeUndefined();
    memo.remember({ userId: '1' }, 1);
    memo.remember({ userId: '2' }, 2);
    memo.remember({ userId: '3' }, 3);
    expect(memo.get({ userId: '1' })).toBeUndefined();
    expect(memo.get({ userId: '3' })).toBe(3);
  });

  it('by default outlasts the minutes between a student’s questions (10 minutes)', () => {
    let clock = 0;
    const memo = embeddedScopes({ now: () => clock });
    memo.remember({ userId: alice }, 5);
    clock = 9 * 60_000;
    expect(memo.get({ userId: alice })).toBe(5);
    clock = 10 * 60_000 + 1;
    expect(memo.get({ userId: alice })).toBeUndefined();
  });

  it('scans small scopes exactly and large ones through the HNSW index', async () => {
    const kinds: Array<boolean | undefined> = [];
    const spy = createRepositories(database.db, {
      onSearch: (e) => e.kind === 'vector' && kinds.push(e.exact),
    });
    const search = (memo: ReturnType<typeof embeddedScopes>) =>
      hybridSearch({ chunks: spy.chunks, embedder, embeddedScopes: memo }, { userId: alice }, 'glucose', {
        k: 3,
        candidates: 10,
      });
    await search(embeddedScopes());
    const large = embeddedScopes();
    large.remember({ userId: alice }, EXACT_SCAN_MAX + 1);
    const result = await search(large);
    expect(kinds).toEqual([true, undefined]);
    expect(result.passages).toHaveLength(3);
  });
});

describe('spread passages (summaries and study guides)', () => {
  it('covers the whole document from first to last page, in reading order', async () => {
    const { passages, mode } = await spreadPassages(
      deps(),
      { userId: alice, documentId: cells.documentId },
      readScopeWords('summarize this document'),
      ROUTE_CONFIG.summary,
    );
    expect(mode).toBe('spread');
    const pages = passages.map((p) => p.pageStart);
    expect(pages[0]).toBe(1);
    expect(pages.at(-1)).toBe(5);
    expect(new Set(pages)).toEqual(new Set([1, 2, 3, 4, 5]));
    expect([...pages].sort((a, b) => a - b)).toEqual(pages);
  });

  it('adds hits for a named topic, within the user’s scope only', async () => {
    const foreign = await bobsChunkIds();
    const { passages } = await spreadPassages(
      deps(),
      { userId: alice },
      readScopeWords('make me a study guide about glycolysis'),
      ROUTE_CONFIG.generate_study_guide,
    );
    expect(passages.some((p) => /Glycolysis splits/.test(p.text))).toBe(true);
    expect(passages.some((p) => foreign.has(p.chunkId))).toBe(false);
    expect(new Set(passages.map((p) => p.documentId)).size).toBeGreaterThanOrEqual(2);
  });

  it('finds the topic of a request', () => {
    expect(topicOf('Summarize this document')).toBeNull();
    expect(topicOf('make me a study guide')).toBeNull();
    expect(topicOf('Make me a study guide for chapter 3')).toBe('chapter 3');
    expect(topicOf("what's the gist of the Krebs cycle?")).toBe('krebs cycle');
  });

  it('merges hit lists by document then position', () => {
    const hit = (documentId: string, chunkIndex: number) =>
      ({ chunkId: `${documentId}${chunkIndex}`, documentId, chunkIndex }) as Parameters<
        typeof inReadingOrder
      >[0][number];
    const merged = inReadingOrder(
      [hit('b', 5), hit('b', 1), hit('a', 2)],
      [hit('a', 0), hit('b', 1), hit('c', 3)],
    );
    expect(merged.map((h) => h.chunkId)).toEqual(['b1', 'b5', 'a0', 'a2', 'c3']);
  });
});
