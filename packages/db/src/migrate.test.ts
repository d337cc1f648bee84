import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDbFixture, type DbFixture } from './db.test-helpers.js';
import { migrate, MIGRATIONS_FOLDER } from './migrate.js';

describe('migrations', () => {
  let fx: DbFixture;
  beforeAll(async () => {
    fx = await startDbFixture({ migrate: false });
  });
  afterAll(() => fx?.stop());

  const applied = async () => {
    const { rows } = await fx.database.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations',
    );
    return rows[0]!.n;
  };

  it('ships a first migration that creates the vector extension before anything else', () => {
    const files = readdirSync(MIGRATIONS_FOLDER)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    expect(files.length).toBeGreaterThan(0);
    const first = readFileSync(join(MIGRATIONS_FOLDER, files[0]!), 'utf8');
    expect(first.startsWith('CREATE EXTENSION IF NOT EXISTS vector;')).toBe(true);
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
