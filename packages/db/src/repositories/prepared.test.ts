import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database } from '../client.js';
import { email, startDbFixture, type DbFixture } from '../db.test-helpers.js';
import type { ChunkScope, FullTextOptions } from './chunks.js';
import { createRepositories } from './index.js';

let fx: DbFixture;
const scopes: ChunkScope[] = [];

const WORDS =
  'vector matrix factor frame list array plot model regression variance mean median quantile sample'.split(
    ' ',
  );

beforeAll(async () => {
  fx = await startDbFixture();
  const user = await fx.repos.users.create({ email: email('prepared'), name: 'P', passwordHash: 'h' });
  for (let c = 0; c < 2; c++) {
    const cls = await fx.repos.classes.create(user.id, `class ${c}`);
    const doc = await fx.repos.documents.create({
      userId: user.id,
      classId: cls.id,
      fileName: `course ${c}.pdf`,
      mimeType: 'application/pdf',
      byteSize: 1,
      sha256: randomUUID(),
      storageKey: randomUUID(),
    });
    // Inserted directly, as the real-PostgreSQL job's database holds them (chunks without embeddings).
    for (let i = 0; i < 30; i++) {
      const text = `The ${WORDS[i % WORDS.length]} and the ${WORDS[(i * 7 + c) % WORDS.length]} of page ${i}.`;
      await fx.database.pool.query(
        `INSERT INTO chunks (document_id, user_id, class_id, chunk_index, page_start, page_end, char_start,
           char_end, text, token_count, section_path) VALUES ($1, $2, $3, $4, $5, $5, 0, $6, $7, 8, $8)`,
        [
          doc.id,
          user.id,
          cls.id,
          i,
          i + 1,
          text.length,
          text,
          JSON.stringify([`${1 + Math.floor(i / 10)} ${WORDS[i % 5]}`]),
        ],
      );
    }
    scopes.push({ userId: user.id, classId: cls.id });
  }
});
afterAll(() => fx?.stop());

/** Questions over the two classes, in the statement's shapes (scope, focus, all terms). */
const searches = (): { scope: ChunkScope; query: string; options: FullTextOptions }[] =>
  Array.from({ length: 24 }, (_, i) => {
    const c = i % 2;
    const all = i % 4 === 3;
    // With all terms: the two words of chunk i of class c.
    const second = all ? (i * 7 + c) % WORDS.length : (i * 5) % WORDS.length;
    return {
      scope: i % 3 === 0 ? { userId: scopes[0]!.userId } : scopes[c]!,
      query: `what is the ${WORDS[i % WORDS.length]} of a ${WORDS[second]}?`,
      options: { match: all ? 'all' : 'any', focus: i % 5 === 0 ? { pages: [{ from: 2, to: 9 }] } : null },
    };
  });

const run = (database: Database, s: ReturnType<typeof searches>[number]) =>
  createRepositories(database.db).chunks.fullTextSearch(s.scope, s.query, 5, s.options);

describe('prepared full-text search', () => {
  it('is parsed once per connection and then executed from the prepared statement', async () => {
    const single = connect(fx.url, { max: 1 });
    // The embedded server's connections share one session, whose statements other tests' connections add to.
    const statements = async () =>
      (
        await single.pool.query<{ name: string; runs: number }>(
          `SELECT name, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements
            WHERE statement LIKE '%chunk_search_tsv%'`,
        )
      ).rows;
    try {
      const before = new Set((await statements()).map((s) => s.name));
      for (const word of WORDS.slice(0, 8))
        await createRepositories(single.db).chunks.fullTextSearch(scopes[0]!, `the ${word} of pages`, 5);
      const added = (await statements()).filter((s) => !before.has(s.name));
      expect(added).toHaveLength(1);
      expect(added[0]!.runs).toBe(8);
    } finally {
      await single.close();
    }
  });

  it('returns over concurrent pooled connections what one connection returns, shape by shape', async () => {
    const single = connect(fx.url, { max: 1 });
    const pooled = connect(fx.url, { max: 6 });
    try {
      const expected = [];
      for (const s of searches()) expected.push(await run(single, s));
      const twice = [...searches(), ...searches()];
      const concurrent = await Promise.all(twice.map((s) => run(pooled, s)));
      expect(concurrent).toEqual([...expected, ...expected]);
      expect(expected.every((r) => r.hits.length > 0)).toBe(true);
    } finally {
      await single.close();
      await pooled.close();
    }
  });
});
