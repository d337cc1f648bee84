import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDbFixture, type DbFixture } from '../db.test-helpers.js';

let fx: DbFixture;
beforeAll(async () => {
  fx = await startDbFixture();
});
afterAll(() => fx?.stop());

describe('embedded wire server', () => {
  // pglite-socket's own queue fails this one with `portal "" does not exist` / `unnamed prepared
  // statement does not exist`: it let other connections' messages in between Parse, Bind and Execute.
  it("keeps each connection's extended-protocol queries and transactions apart under concurrency", async () => {
    const pool = new pg.Pool({ connectionString: fx.embedded.url, max: 16 });
    pool.on('error', () => undefined);
    try {
      const results = await Promise.all(
        Array.from({ length: 300 }, async (_, i) => {
          if (i % 2 === 0) {
            const client = await pool.connect();
            try {
              await client.query('BEGIN');
              const { rows } = await client.query<{ v: number }>('SELECT $1::int AS v', [i]);
              await client.query('SELECT count(*) FROM users WHERE email = $1', ['nobody']);
              await client.query('COMMIT');
              return rows[0]!.v === i;
            } finally {
              client.release();
            }
          }
          const { rows } = await pool.query<{ v: string }>('SELECT $1::text AS v, now() AS t', [String(i)]);
          return rows[0]!.v === String(i);
        }),
      );
      expect(results.every(Boolean)).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it('keeps a transaction to its connection and rolls it back when the client disappears', async () => {
    const a = new pg.Client({ connectionString: fx.embedded.url });
    const b = new pg.Client({ connectionString: fx.embedded.url });
    await a.connect();
    await b.connect();
    try {
      await a.query('CREATE TABLE IF NOT EXISTS wire_probe (v int)');
      await a.query('BEGIN');
      await a.query('INSERT INTO wire_probe VALUES (1)');
      // b waits for a's transaction instead of running inside it.
      const bRead = b.query<{ n: number }>('SELECT count(*)::int AS n FROM wire_probe');
      await new Promise((r) => setTimeout(r, 50));
      a.connection.stream.destroy(); // vanish mid-transaction
      a.on('error', () => undefined);
      expect((await bRead).rows[0]!.n).toBe(0);
      const { rows } = await b.query<{ n: number }>('SELECT count(*)::int AS n FROM wire_probe');
      expect(rows[0]!.n).toBe(0);
    } finally {
      await b.end();
      await a.end().catch(() => undefined);
    }
  });
});
