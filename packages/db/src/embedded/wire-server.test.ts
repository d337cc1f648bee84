import { connect as tcpConnect, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmbeddedDbFixture, type EmbeddedDbFixture } from '../db.test-helpers.js';

let fx: EmbeddedDbFixture;
beforeAll(async () => {
  fx = await startEmbeddedDbFixture();
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

  it('declines SSL, then answers everything a client sent in one write with one write', async () => {
    const raw = await rawSession(fx.embedded.url);
    try {
      // Two simple queries in one write, the way a client pipelines: one answer, both ReadyForQuery.
      raw.socket.write(Buffer.concat([query('SELECT 1 AS a'), query('SELECT 2 AS b')]));
      const answer = await raw.next();
      expect(messageTypes(answer).filter((t) => t === 'Z')).toHaveLength(2);
      expect(messageTypes(answer)).toContain('D');
    } finally {
      raw.socket.destroy();
    }
  });

  it('gives each connection its own prepared statement names and closes them when it goes', async () => {
    const a = new pg.Client({ connectionString: fx.embedded.url });
    const b = new pg.Client({ connectionString: fx.embedded.url });
    await a.connect();
    await b.connect();
    const probes = async () =>
      (
        await b.query<{ statement: string }>(
          `SELECT statement FROM pg_prepared_statements WHERE name LIKE '%/probe' ORDER BY statement`,
        )
      ).rows.map((r) => r.statement);
    try {
      // Same name, other texts, as pooled connections of PostgreSQL may have: each runs its own.
      for (let round = 0; round < 2; round++) {
        const [one, two] = await Promise.all([
          a.query<{ v: number }>({ name: 'probe', text: 'SELECT $1::int + 1 AS v', values: [round] }),
          b.query<{ v: number }>({ name: 'probe', text: 'SELECT $1::int + 2 AS v', values: [round] }),
        ]);
        expect([one.rows[0]!.v, two.rows[0]!.v]).toEqual([round + 1, round + 2]);
      }
      expect(await probes()).toEqual(['SELECT $1::int + 1 AS v', 'SELECT $1::int + 2 AS v']);
      await a.end();
      await vi.waitFor(async () => expect(await probes()).toEqual(['SELECT $1::int + 2 AS v']));
    } finally {
      await a.end().catch(() => undefined);
      await b.end();
    }
  });

  it('keeps a connection usable after a failed statement', async () => {
    const client = new pg.Client({ connectionString: fx.embedded.url });
    await client.connect();
    await expect(client.query('SELECT * FROM no_such_table WHERE id = $1', [1])).rejects.toThrow(
      /no_such_table/,
    );
    const { rows } = await client.query<{ v: number }>('SELECT $1::int AS v', [7]);
    expect(rows[0]!.v).toBe(7);
    await client.end();
  });
});

/** A connection speaking the wire protocol by hand: an SSL request (declined), then startup. */
async function rawSession(url: string): Promise<{ socket: Socket; next: () => Promise<Buffer> }> {
  const { hostname, port } = new URL(url);
  const socket = tcpConnect(Number(port), hostname);
  const chunks: Buffer[] = [];
  let wake: (() => void) | null = null;
  socket.on('data', (c: Buffer) => {
    chunks.push(c);
    wake?.();
  });
  const next = async () => {
    if (!chunks.length) await new Promise<void>((r) => (wake = r));
    wake = null;
    return chunks.shift()!;
  };
  const ssl = Buffer.alloc(8);
  ssl.writeInt32BE(8, 0);
  ssl.writeInt32BE(80877103, 4);
  socket.write(ssl);
  expect((await next()).toString()).toBe('N');
  const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
  const startup = Buffer.alloc(8);
  startup.writeInt32BE(8 + params.length, 0);
  startup.writeInt32BE(196608, 4);
  socket.write(Buffer.concat([startup, params]));
  let greeting = Buffer.alloc(0);
  while (!messageTypes(greeting).includes('Z')) greeting = Buffer.concat([greeting, await next()]);
  return { socket, next };
}

function query(text: string): Buffer {
  const body = Buffer.from(`${text}\0`);
  const head = Buffer.alloc(5);
  head[0] = 0x51;
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** The type letters of the backend messages in `data` (whole messages only). */
function messageTypes(data: Buffer): string[] {
  const types: string[] = [];
  for (let i = 0; i + 5 <= data.length; i += 1 + data.readInt32BE(i + 1))
    types.push(String.fromCharCode(data[i]!));
  return types;
}
