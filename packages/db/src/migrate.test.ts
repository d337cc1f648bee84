import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDbFixture, type EmbeddedDbFixture } from './db.test-helpers.js';
import { DatabaseSetupError, explainMigrationError, migrate, MIGRATIONS_FOLDER } from './migrate.js';

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

  it('creates the vector extension, the embedding column and its HNSW index unless told to leave them out', async () => {
    await migrate(fx.embedded.url);
    const { rows } = await fx.database.pool.query<{ ext: number; column_type: string; idx: number }>(
      `SELECT (SELECT count(*)::int FROM pg_extension WHERE extname = 'vector') AS ext,
              (SELECT udt_name FROM information_schema.columns WHERE table_name = 'chunks' AND column_name = 'embedding') AS column_type,
              (SELECT count(*)::int FROM pg_indexes WHERE indexname = 'chunks_embedding_hnsw_idx') AS idx`,
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
