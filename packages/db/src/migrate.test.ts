import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate as drizzleMigrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDbFixture, type EmbeddedDbFixture } from './db.test-helpers.js';
import { DatabaseSetupError, explainMigrationError, migrate, MIGRATIONS_FOLDER } from './migrate.js';
import { EMBEDDING_DIMENSIONS } from './schema.js';

describe('migrations', () => {
  let fx: EmbeddedDbFixture;
  beforeAll(async () => {
    fx = await startEmbeddedDbFixture({ migrate: false });
  });
  afterAll(() => fx?.stop());

  const applied = async () => {
    const { rows } = await fx.database.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations',
    );
    return rows[0]!.n;
  };

  it('creates the vector extension, the embeddings table and its HNSW index unless told to leave them out', async () => {
    await migrate(fx.embedded.url);
    const { rows } = await fx.database.pool.query<{ ext: number; column_type: string; idx: number }>(
      `SELECT (SELECT count(*)::int FROM pg_extension WHERE extname = 'vector') AS ext,
              (SELECT udt_name FROM information_schema.columns WHERE table_name = 'chunk_embeddings' AND column_name = 'embedding') AS column_type,
              (SELECT count(*)::int FROM pg_indexes WHERE indexname = 'chunk_embeddings_hnsw_idx') AS idx`,
    );
    expect(rows[0]).toEqual({ ext: 1, column_type: 'vector', idx: 1 });
    expect(existsSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'))).toBe(true);
  });

  it('apply to a fresh embedded database, and a second run is a no-op', async () => {
    await migrate(fx.embedded.url);
    const { rows: tables } = await fx.database.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'chat_sessions',
      'chunk_embeddings',
      'chunks',
      'classes',
      'documents',
      'messages',
      'users',
    ]);
    const { rows: ext } = await fx.database.pool.query(`SELECT 1 FROM pg_extension WHERE extname = 'vector'`);
    expect(ext).toHaveLength(1);
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
      entries: unknown[];
    };
    expect(await applied()).toBe(journal.entries.length);

    await migrate(fx.embedded.url);
    expect(await applied()).toBe(journal.entries.length);
  });

  it('run concurrently from several clients without failing (advisory lock)', async () => {
    const pool = new pg.Pool({ connectionString: fx.embedded.url, max: 3 });
    try {
      const before = await applied();
      await Promise.all([migrate(pool), migrate(pool), migrate(fx.embedded.url)]);
      expect(await applied()).toBe(before);
    } finally {
      await pool.end();
    }
  });
});

describe('the embeddings table', () => {
  let fx: EmbeddedDbFixture;
  let before: string;
  beforeAll(async () => {
    fx = await startEmbeddedDbFixture({ migrate: false });
    // The migrations as they were before embeddings left the chunks table.
    before = await mkdtemp(join(tmpdir(), 'classchat-migrations-'));
    await cp(MIGRATIONS_FOLDER, before, { recursive: true });
    const journalFile = join(before, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    const moved = journal.entries.findIndex((e) => e.tag === '0012_chunk_embeddings_table');
    writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, moved) }));
  });
  afterAll(async () => {
    await fx?.stop();
    await rm(before, { recursive: true, force: true });
  });

  it("takes the chunks' stored embeddings along, and leaves chunks without the column", async () => {
    const pool = fx.database.pool;
    await drizzleMigrate(drizzle({ client: pool }), { migrationsFolder: before });
    const { rows: ids } = await pool.query<{ user_id: string; class_id: string; document_id: string }>(
      `WITH u AS (INSERT INTO users (email, name, password_hash) VALUES ('m@example.com', 'M', 'x') RETURNING id),
            c AS (INSERT INTO classes (user_id, name) SELECT id, 'Biology' FROM u RETURNING id, user_id),
            d AS (INSERT INTO documents (user_id, class_id, file_name, mime_type, byte_size, sha256, storage_key)
                  SELECT user_id, id, 'a.pdf', 'application/pdf', 1, 's', 'k' FROM c RETURNING id, user_id, class_id)
       SELECT user_id, class_id, id AS document_id FROM d`,
    );
    const { user_id: userId, class_id: classId, document_id: documentId } = ids[0]!;
    const embedding = Array.from({ length: EMBEDDING_DIMENSIONS }, (_, i) => Math.fround(Math.sin(i + 1)));
    for (const [i, vector] of [JSON.stringify(embedding), null].entries()) {
      await pool.query(
        `INSERT INTO chunks (document_id, user_id, class_id, chunk_index, page_start, page_end, char_start, char_end,
           text, token_count, embedding) VALUES ($1, $2, $3, $4, 1, 1, 0, 4, 'cell', 1, $5)`,
        [documentId, userId, classId, i, vector],
      );
    }

    await migrate(fx.embedded.url);

    const { rows: moved } = await pool.query(
      `SELECT e.user_id, e.class_id, e.document_id, e.chunk_index, e.embedding::text = $1::vector::text AS same
         FROM chunk_embeddings e JOIN chunks c ON c.id = e.chunk_id`,
      [JSON.stringify(embedding)],
    );
    expect(moved).toEqual([
      { user_id: userId, class_id: classId, document_id: documentId, chunk_index: 0, same: true },
    ]);
    const { rows: columns } = await pool.query(
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'chunks' AND column_name = 'embedding'`,
    );
    expect(columns).toEqual([]);
    const hits = await fx.repos.chunks.vectorSearch({ userId, classId }, embedding, 5, { exact: true });
    expect(hits.map((h) => h.chunkIndex)).toEqual([0]);
    expect(hits[0]!.score).toBeCloseTo(1, 6);
    // Deleting the document deletes the chunk and its embedding.
    await pool.query('DELETE FROM documents WHERE id = $1', [documentId]);
    const { rows: left } = await pool.query('SELECT count(*)::int AS n FROM chunk_embeddings');
    expect(left).toEqual([{ n: 0 }]);
  });
});

/** A failed query as drizzle reports it: its own error, with the PostgreSQL error as the cause. */
const failedQuery = (sql: string, code: string, message: string) =>
  new Error(`Failed query: ${sql}`, { cause: Object.assign(new Error(message), { code }) });

describe('a database without pgvector', () => {
  it('says plainly that pgvector must be installed and a superuser must create it', () => {
    const err = explainMigrationError(
      failedQuery('CREATE EXTENSION IF NOT EXISTS vector;', '0A000', 'extension "vector" is not available'),
      'classchat',
    );
    expect(err).toBeInstanceOf(DatabaseSetupError);
    expect(err?.message).toMatch(/^PostgreSQL has no pgvector extension/);
    expect(err?.message).toContain('a superuser must run `CREATE EXTENSION vector;` in database "classchat"');
  });

  it('says plainly that a superuser must create it when the role may not', () => {
    const err = explainMigrationError(
      failedQuery(
        'CREATE EXTENSION IF NOT EXISTS vector;',
        '42501',
        'permission denied to create extension "vector"',
      ),
      'classchat',
    );
    expect(err?.message).toMatch(/^The PostgreSQL role Class Chat connects as may not create the pgvector/);
    expect(err?.message).toContain('a superuser must run `CREATE EXTENSION vector;`');
  });

  it('leaves every other failure as it is', () => {
    expect(
      explainMigrationError(failedQuery('CREATE TABLE x ()', '42P07', 'relation "x" already exists'), null),
    ).toBeNull();
    expect(
      explainMigrationError(
        failedQuery('CREATE EXTENSION pg_trgm', '0A000', 'extension "pg_trgm" is not available'),
        null,
      ),
    ).toBeNull();
    expect(explainMigrationError(new Error('connect ECONNREFUSED'), null)).toBeNull();
  });

  // On a real PostgreSQL server without pgvector (Debian's has none): set TEST_PG_URL to a
  // server where the test may create and drop a database.
  it.runIf(process.env.TEST_PG_URL)(
    'migrate on a real server without pgvector throws the explanation',
    async () => {
      const admin = new pg.Pool({ connectionString: process.env.TEST_PG_URL, max: 1 });
      const name = `cc_novector_${Date.now()}`;
      await admin.query(`CREATE DATABASE ${name}`);
      try {
        const url = new URL(process.env.TEST_PG_URL!);
        url.pathname = `/${name}`;
        const failure = await migrate(url.toString()).catch((err: unknown) => err);
        expect(failure).toBeInstanceOf(DatabaseSetupError);
        expect((failure as Error).message).toContain(`in database "${name}"`);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name}`);
        await admin.end();
      }
    },
  );
});
