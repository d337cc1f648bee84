import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cosineDistance,
  email,
  randomEmbedding,
  seededRandom,
  startDbFixture,
  type DbFixture,
} from '../db.test-helpers.js';
import type { ClassRow, DocumentRow, UserRow } from '../schema.js';
import { connect } from '../client.js';
import { createRepositories, type Repositories } from './index.js';
import {
  searchStats,
  shareEvenly,
  spreadPositions,
  vectorParameter,
  type ChunkInput,
  type SearchEvent,
} from './chunks.js';

let fx: DbFixture;
let alice: UserRow;
let bob: UserRow;
let biology: ClassRow;

beforeAll(async () => {
  fx = await startDbFixture();
  alice = await fx.repos.users.create({ email: email('alice'), name: 'Alice', passwordHash: 'h' });
  bob = await fx.repos.users.create({ email: email('bob'), name: 'Bob', passwordHash: 'h' });
  biology = await fx.repos.classes.create(alice.id, 'Biology');
});
afterAll(() => fx?.stop());

const newDoc = (user: UserRow, classId: string | null, fileName = 'doc.pdf') =>
  fx.repos.documents.create({
    userId: user.id,
    classId,
    fileName,
    mimeType: 'application/pdf',
    byteSize: 1,
    sha256: randomUUID(),
    storageKey: randomUUID(),
  });

const chunk = (i: number, text: string, embedding: number[] | null = null, page = i + 1): ChunkInput => ({
  chunkIndex: i,
  pageStart: page,
  pageEnd: page,
  charStart: 0,
  charEnd: text.length,
  text,
  tokenCount: text.split(' ').length,
  embedding,
});

describe('chunk storage', () => {
  it("stores a document's chunks in batches and replaces them on a second insert", async () => {
    const doc = await newDoc(alice, biology.id);
    const many = Array.from({ length: 230 }, (_, i) =>
      chunk(i, `paragraph number ${i}`, null, Math.floor(i / 10) + 1),
    );
    expect(await fx.repos.chunks.insertForDocument(doc, many)).toBe(230);
    expect(await fx.repos.chunks.countInScope({ userId: alice.id, documentId: doc.id })).toBe(230);
    expect(await fx.repos.chunks.scopeHasEmbeddings({ userId: alice.id, documentId: doc.id })).toBe(false);

    await fx.repos.chunks.insertForDocument(doc, [chunk(0, 'only one now\u0000 with a NUL')]);
    const [only] = await fx.repos.chunks.sampleAcross({ userId: alice.id, documentId: doc.id }, 5);
    expect(only).toMatchObject({
      documentId: doc.id,
      classId: biology.id,
      fileName: 'doc.pdf',
      chunkIndex: 0,
      pageStart: 1,
      pageEnd: 1,
      text: 'only one now with a NUL',
    });
    expect(await fx.repos.chunks.deleteByDocument(doc.id)).toBe(1);
    expect(await fx.repos.chunks.countInScope({ userId: alice.id, documentId: doc.id })).toBe(0);
  });

  // The chunk tables need pgvector, so the cascade is checked here rather than with the documents and
  // classes (whose tests also run on a PostgreSQL server without it).
  it('are removed with their document, and with the class the document belongs to', async () => {
    const cls = await fx.repos.classes.create(alice.id, `cascade-${Date.now()}`);
    const inClass = await newDoc(alice, cls.id);
    const alone = await newDoc(alice, null);
    await fx.repos.chunks.insertForDocument(inClass, [chunk(0, 'hello class')]);
    await fx.repos.chunks.insertForDocument(alone, [chunk(0, 'hello alone')]);

    await fx.repos.documents.delete(alice.id, alone.id);
    expect(await fx.repos.chunks.countInScope({ userId: alice.id, documentId: alone.id })).toBe(0);
    await fx.repos.classes.delete(alice.id, cls.id);
    expect(await fx.repos.chunks.countInScope({ userId: alice.id, documentId: inClass.id })).toBe(0);
  });

  it('tells how many rows it has written after each batch, chunks then embeddings', async () => {
    // A user of its own: the vector searches below count the embeddings Alice has.
    const carol = await fx.repos.users.create({ email: email('carol'), name: 'Carol', passwordHash: 'h' });
    const doc = await newDoc(carol, null);
    const rnd = seededRandom(7);
    const many = Array.from({ length: 230 }, (_, i) => chunk(i, `paragraph ${i}`, randomEmbedding(rnd)));
    const heard: Array<[number, number]> = [];

    await fx.repos.chunks.insertForDocument(doc, many, {
      onProgress: (done, total) => heard.push([done, total]),
    });

    expect(heard).toEqual([100, 200, 230, 330, 430, 460].map((done) => [done, 460]));
  });

  it('rejects an embedding of the wrong size', async () => {
    const doc = await newDoc(alice, null);
    await expect(fx.repos.chunks.insertForDocument(doc, [chunk(0, 'x', [1, 2, 3])])).rejects.toThrow(/512/);
  });
});

describe('full-text search', () => {
  let doc: DocumentRow;
  let other: DocumentRow;
  beforeAll(async () => {
    doc = await newDoc(alice, biology.id, 'cells.pdf');
    await fx.repos.chunks.insertForDocument(doc, [
      chunk(0, 'Plants convert light into chemical energy through photosynthesis.'),
      chunk(
        1,
        'The mitochondria is the powerhouse of the cell. Mitochondria produce ATP, the energy of the cell.',
      ),
      chunk(2, 'Cell walls give plant cells their rigid shape.'),
      chunk(3, 'Ribosomes build proteins; the powerhouse analogy is sometimes applied to mitochondria.'),
    ]);
    other = await newDoc(bob, null, 'bob.pdf');
    await fx.repos.chunks.insertForDocument(other, [
      chunk(0, 'Bob: the mitochondria is the powerhouse of the cell.'),
    ]);
  });

  it('ranks the chunk that matches the question best first, with its document and pages', async () => {
    const { hits } = await fx.repos.chunks.fullTextSearch(
      { userId: alice.id },
      'What is the powerhouse of the cell?',
      10,
    );
    expect(hits[0]).toMatchObject({
      chunkIndex: 1,
      fileName: 'cells.pdf',
      documentId: doc.id,
      pageStart: 2,
      rank: 1,
    });
    expect(hits.map((h) => h.rank)).toEqual(hits.map((_, i) => i + 1));
    for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
    expect(hits.map((h) => h.chunkIndex)).toContain(2); // 'cell' alone matches with match: 'any'
    expect(hits.map((h) => h.chunkIndex)).not.toContain(0);
  });

  it("match 'all' keeps only the chunks that hold every term", async () => {
    const { hits } = await fx.repos.chunks.fullTextSearch(
      { userId: alice.id },
      'powerhouse mitochondria',
      10,
      {
        match: 'all',
      },
    );
    expect(hits.map((h) => h.chunkIndex).sort()).toEqual([1, 3]);
    const none = await fx.repos.chunks.fullTextSearch({ userId: alice.id }, 'powerhouse photosynthesis', 10, {
      match: 'all',
    });
    expect(none.hits).toEqual([]);
  });

  it("never returns another user's chunks and honours class and document scope", async () => {
    const search = async (scope: Parameters<typeof fx.repos.chunks.fullTextSearch>[0], q: string, k = 10) =>
      (await fx.repos.chunks.fullTextSearch(scope, q, k)).hits;
    expect((await search({ userId: bob.id }, 'powerhouse')).map((h) => h.documentId)).toEqual([other.id]);
    expect((await search({ userId: alice.id }, 'powerhouse')).every((h) => h.documentId === doc.id)).toBe(
      true,
    );
    expect(await search({ userId: alice.id, classId: randomUUID() }, 'powerhouse')).toEqual([]);
    expect((await search({ userId: alice.id, documentId: doc.id }, 'powerhouse', 1)).length).toBe(1);
    expect(await search({ userId: alice.id }, 'the of')).toEqual([]); // stop words only
  });
});

describe('vector search', () => {
  const rnd = seededRandom(42);
  const query = randomEmbedding(rnd);
  /** Close to the query: these crowd the HNSW neighbourhood. */
  const nearQuery = () => query.map((x) => x + rnd() * 0.2);
  let mine: DocumentRow;
  let mineEmbeddings: number[][];

  beforeAll(async () => {
    // Bob's 200 chunks sit right around the query; Alice's 20 are far away (a small minority).
    const crowd = await newDoc(bob, null, 'crowd.pdf');
    await fx.repos.chunks.insertForDocument(
      crowd,
      Array.from({ length: 200 }, (_, i) => chunk(i, `crowd ${i}`, nearQuery())),
    );
    mine = await newDoc(alice, biology.id, 'mine.pdf');
    mineEmbeddings = Array.from({ length: 20 }, () => randomEmbedding(rnd));
    await fx.repos.chunks.insertForDocument(
      mine,
      mineEmbeddings.map((e, i) => chunk(i, `mine ${i}`, e)),
    );
  });

  it('a plain filtered HNSW scan returns fewer than k here (why iterative scans are needed)', async () => {
    const vec = JSON.stringify(query);
    const count = (iterative: boolean) =>
      fx.database.db.transaction(async (tx) => {
        await tx.execute(sql.raw('SET LOCAL enable_sort = off')); // make the planner use the HNSW index
        if (iterative) await tx.execute(sql.raw('SET LOCAL hnsw.iterative_scan = relaxed_order'));
        const { rows } = await tx.execute(
          sql`SELECT chunk_id FROM chunk_embeddings WHERE user_id = ${alice.id} ORDER BY embedding <=> ${vec}::vector LIMIT 10`,
        );
        return rows.length;
      });
    expect(await count(false)).toBeLessThan(10);
    expect(await count(true)).toBe(10);
  });

  it("returns k of the scope's nearest chunks when they are a small minority, through the HNSW index", async () => {
    const events: SearchEvent[] = [];
    const hits = await fx.database.db.transaction(async (tx) => {
      await tx.execute(sql.raw('SET LOCAL enable_sort = off')); // force the index path, as at 100k chunks
      return createRepositories(tx, { onSearch: (e) => events.push(e) }).chunks.vectorSearch(
        { userId: alice.id, classId: biology.id },
        query,
        10,
      );
    });
    expect(hits).toHaveLength(10);
    expect(events).toMatchObject([{ kind: 'vector', results: 10, exactFallback: false }]);
    expect(hits.every((h) => h.documentId === mine.id && h.fileName === 'mine.pdf')).toBe(true);
    for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
    // Scores are cosine similarities of the stored vectors.
    const h0 = hits[0]!;
    expect(h0.score).toBeCloseTo(1 - cosineDistance(query, mineEmbeddings[h0.chunkIndex]!), 4);
    // Approximate search, yet (nearly) the exact top 10.
    const exact = mineEmbeddings
      .map((e, i) => ({ i, d: cosineDistance(query, e) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 10)
      .map((x) => x.i);
    const overlap = hits.filter((h) => exact.includes(h.chunkIndex)).length;
    expect(overlap).toBeGreaterThanOrEqual(8);
  });

  it('returns k rows with the planner left to itself, and the whole scope when it holds fewer than k', async () => {
    expect(
      await fx.repos.chunks.vectorSearch({ userId: alice.id, classId: biology.id }, query, 10),
    ).toHaveLength(10);
    const all = await fx.repos.chunks.vectorSearch({ userId: alice.id, documentId: mine.id }, query, 50);
    expect(all).toHaveLength(20);
    expect(await fx.repos.chunks.vectorSearch({ userId: alice.id, classId: randomUUID() }, query, 5)).toEqual(
      [],
    );
    expect(await fx.repos.chunks.scopeHasEmbeddings({ userId: alice.id, classId: biology.id })).toBe(true);
  });

  it('keeps planner statistics fresh after inserts (PGlite has no autovacuum)', async () => {
    // Without statistics the planner guesses 1 row for a user's scope and sorts it instead of using
    // the HNSW index once it is large; after the inserts' ANALYZE it knows Bob has about 200, in
    // both tables.
    for (const table of ['chunks', 'chunk_embeddings']) {
      const { rows } = await fx.database.db.execute<{ 'QUERY PLAN': string }>(
        sql`EXPLAIN SELECT 1 FROM ${sql.identifier(table)} WHERE user_id = ${bob.id}`,
      );
      const estimate = Number(/rows=(\d+)/.exec(rows.map((r) => r['QUERY PLAN']).join('\n'))?.[1]);
      expect(estimate).toBeGreaterThan(150);
    }
    expect(await fx.repos.chunks.analyzeIfStale()).toBe(false); // nothing changed since
  });

  it('counts the rows a document just wrote when it decides whether to analyze', async () => {
    const changed = async () => {
      const { rows } = await fx.database.pool.query<{ n: number }>(
        `SELECT n_mod_since_analyze::int AS n FROM pg_stat_user_tables WHERE relid = 'chunks'::regclass`,
      );
      return rows[0]!.n;
    };
    const before = await changed();
    const few = await newDoc(alice, null, 'few.pdf');
    // Fewer rows than the ANALYZE threshold: the counter keeps them.
    await fx.repos.chunks.insertForDocument(
      few,
      Array.from({ length: 12 }, (_, i) => chunk(i, `few ${i}`)),
    );
    expect(await changed()).toBeGreaterThanOrEqual(before + 12);
    await fx.repos.chunks.deleteByDocument(few.id);
  });

  it('leaves no setting behind in the session that every embedded connection shares', async () => {
    await fx.repos.chunks.vectorSearch({ userId: alice.id }, query, 5);
    const { rows } = await fx.database.pool.query<{ v: string; ef: string }>(
      `SELECT current_setting('hnsw.iterative_scan') AS v, current_setting('hnsw.ef_search') AS ef`,
    );
    expect(rows[0]).toEqual({ v: 'off', ef: '40' });
  });

  it('runs the exact scan of a small scope as a statement prepared once per connection, with the same hits', async () => {
    const single = connect(fx.url, { max: 1 });
    const exact = (repos: Repositories, k: number) =>
      repos.chunks.vectorSearch({ userId: alice.id, classId: biology.id }, query, k, { exact: true });
    const statements = async () =>
      (
        await single.pool.query<{ name: string; runs: number; statement: string }>(
          `SELECT name, (generic_plans + custom_plans)::int AS runs, statement FROM pg_prepared_statements
            WHERE statement LIKE '%<=>%'`,
        )
      ).rows;
    try {
      const before = new Set((await statements()).map((s) => s.name));
      const repos = createRepositories(single.db);
      const runs = await Promise.all([5, 10, 10, 20, 5, 10, 20].map((k) => exact(repos, k)));
      const added = (await statements()).filter((s) => !before.has(s.name));
      expect(added).toHaveLength(1);
      expect(added[0]!.runs).toBe(7);
      // Each row's distance is computed once: the sort key is the selected distance.
      expect(added[0]!.statement.match(/<=>/g)).toHaveLength(1);
      expect(runs[1]).toEqual(await exact(fx.repos, 10));
      expect(runs.map((r) => r.length)).toEqual([5, 10, 10, 20, 5, 10, 20]);
    } finally {
      await single.close();
    }
  });

  it("scans a small scope exactly: the scope's nearest chunks, nearest first, scored by cosine similarity", async () => {
    const hits = await fx.repos.chunks.vectorSearch({ userId: alice.id, classId: biology.id }, query, 8, {
      exact: true,
    });
    const nearest = mineEmbeddings
      .map((e, i) => ({ i, d: cosineDistance(query, e) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 8);
    expect(hits.map((h) => h.chunkIndex)).toEqual(nearest.map((x) => x.i));
    hits.forEach((h, n) => expect(h.score).toBeCloseTo(1 - nearest[n]!.d, 5));
  });

  it('sends the query embedding in binary, read as the same vector its text gives', async () => {
    // Values of all magnitudes, as float4s (what an embeddings endpoint sends).
    const values = query.map((x, i) => Math.fround(x * 10 ** ((i % 9) - 4) * (i % 2 ? -1 : 1)));
    const { rows } = await fx.database.pool.query<{ same: boolean; dims: number }>(
      'SELECT $1::vector = $2::vector AS same, vector_dims($1::vector) AS dims',
      [vectorParameter(values), JSON.stringify(values)],
    );
    expect(rows[0]).toEqual({ same: true, dims: values.length });
    // Both searches score with the distances the text input gives.
    const scope = { userId: alice.id, classId: biology.id };
    const { rows: distances } = await fx.database.pool.query<{ id: string; d: number }>(
      'SELECT chunk_id AS id, (embedding <=> $2::vector)::float8 AS d FROM chunk_embeddings WHERE user_id = $1 AND class_id = $3',
      [alice.id, JSON.stringify(query), biology.id],
    );
    const distance = new Map(distances.map((r) => [r.id, r.d]));
    for (const exact of [true, false]) {
      const hits = await fx.repos.chunks.vectorSearch(scope, query, 5, { exact });
      expect(hits).toHaveLength(5);
      for (const h of hits) expect(h.score).toBe(1 - distance.get(h.chunkId)!);
    }
  });

  it("never returns another user's chunks", async () => {
    const hits = await fx.repos.chunks.vectorSearch({ userId: bob.id }, query, 30);
    expect(hits.length).toBe(30);
    expect(hits.every((h) => h.fileName === 'crowd.pdf')).toBe(true);
  });
});

describe('chunk lookups', () => {
  it('getByIds keeps the requested order and skips ids of other users', async () => {
    const doc = await newDoc(alice, null, 'ids.pdf');
    await fx.repos.chunks.insertForDocument(doc, [chunk(0, 'zero'), chunk(1, 'one'), chunk(2, 'two')]);
    const bobsDoc = await newDoc(bob, null);
    await fx.repos.chunks.insertForDocument(bobsDoc, [chunk(0, 'bob zero')]);
    const all = await fx.repos.chunks.sampleAcross({ userId: alice.id, documentId: doc.id }, 3);
    const [bobs] = await fx.repos.chunks.sampleAcross({ userId: bob.id, documentId: bobsDoc.id }, 1);
    const ids = [all[2]!.chunkId, bobs!.chunkId, all[0]!.chunkId];
    const hits = await fx.repos.chunks.getByIds(alice.id, ids);
    expect(hits.map((h) => h.text)).toEqual(['two', 'zero']);
    expect(await fx.repos.chunks.getByIds(alice.id, [])).toEqual([]);
  });

  it('sampleAcross spreads n chunks evenly over documents and their pages', async () => {
    const user = await fx.repos.users.create({ email: email(), name: 'Sampler', passwordHash: 'h' });
    const cls = await fx.repos.classes.create(user.id, 'Sampled');
    const long = await newDoc(user, cls.id, 'long.pdf');
    const short = await newDoc(user, cls.id, 'short.pdf');
    const medium = await newDoc(user, cls.id, 'medium.pdf');
    await fx.repos.chunks.insertForDocument(
      long,
      Array.from({ length: 40 }, (_, i) => chunk(i, `long ${i}`)),
    );
    await fx.repos.chunks.insertForDocument(short, [chunk(0, 'short 0'), chunk(1, 'short 1')]);
    await fx.repos.chunks.insertForDocument(
      medium,
      Array.from({ length: 10 }, (_, i) => chunk(i, `medium ${i}`)),
    );

    const sample = await fx.repos.chunks.sampleAcross({ userId: user.id, classId: cls.id }, 12);
    expect(sample).toHaveLength(12);
    const byDoc = (name: string) => sample.filter((s) => s.fileName === name).map((s) => s.chunkIndex);
    expect(byDoc('short.pdf')).toEqual([0, 1]);
    expect(byDoc('long.pdf')).toEqual([4, 12, 20, 28, 36]);
    expect(byDoc('medium.pdf')).toEqual([1, 3, 5, 7, 9]);
    expect(await fx.repos.chunks.sampleAcross({ userId: user.id, classId: cls.id }, 100)).toHaveLength(52);
    expect(await fx.repos.chunks.sampleAcross({ userId: alice.id, classId: cls.id }, 10)).toEqual([]);
    expect(await fx.repos.chunks.countInScope({ userId: user.id, classId: cls.id })).toBe(52);
  });

  it('counts searches so a test can assert that a route ran none', async () => {
    searchStats.reset();
    const events: SearchEvent[] = [];
    const repos = createRepositories(fx.database.db, { onSearch: (e) => events.push(e) });
    await repos.chunks.getByIds(alice.id, [randomUUID()]);
    expect(searchStats.searches).toBe(0);
    expect(repos.chunks.searchCount).toBe(0);
    await repos.chunks.fullTextSearch({ userId: alice.id }, 'cell', 3);
    await repos.chunks.sampleAcross({ userId: alice.id }, 3);
    expect(searchStats).toMatchObject({ fullText: 1, vector: 0, sample: 1, searches: 1 });
    expect(repos.chunks.searchCount).toBe(1);
    expect(events.map((e) => e.kind)).toEqual(['fullText', 'sample']);
  });
});

describe('sampling arithmetic', () => {
  it('shares a total evenly, handing unused shares to larger buckets', () => {
    expect(shareEvenly([40, 2, 10], 12)).toEqual([5, 2, 5]);
    expect(shareEvenly([1, 1], 10)).toEqual([1, 1]);
    expect(shareEvenly([5, 5, 5], 4)).toEqual([2, 1, 1]);
    expect(shareEvenly([], 4)).toEqual([]);
  });
  it('spreads positions through a document', () => {
    expect(spreadPositions(10, 5)).toEqual([1, 3, 5, 7, 9]);
    expect(spreadPositions(3, 5)).toEqual([0, 1, 2]);
    expect(spreadPositions(7, 1)).toEqual([3]);
  });
});
