import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDbFixture, type EmbeddedDbFixture } from './db.test-helpers.js';
import { migrate, MIGRATIONS_FOLDER } from './migrate.js';

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
