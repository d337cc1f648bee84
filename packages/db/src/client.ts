import type { Logger } from 'drizzle-orm';
import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema.js';

export type Schema = typeof schema;

/**
 * The database handle every repository takes: the connected database or a transaction opened on it
 * (`db.transaction(async (tx) => createRepositories(tx)…)`).
 */
export type Db = PgDatabase<NodePgQueryResultHKT, Schema>;

export interface ConnectOptions {
  /** Pool size (default 10). Keep the total across processes under the embedded server's 32. */
  max?: number;
  /** Errors of idle pooled connections (e.g. the server went away); default: ignored. */
  onError?: (err: Error) => void;
  /** Log every query (drizzle's logger: `true` prints to the console). */
  logger?: boolean | Logger;
  /** Name shown in `pg_stat_activity` on real PostgreSQL. */
  applicationName?: string;
  /** How long an unused pooled connection stays open (default 10 min). */
  idleTimeoutMs?: number;
}

/**
 * pg closes an idle connection after 10 s by default. A student who reads an answer before asking
 * again would then pay, on every question, a new connection, the statements parsed again and
 * re-planned for each call (PostgreSQL plans a prepared statement five times per connection before
 * it keeps a generic plan) — milliseconds before the first token. Connections stay for a quiet spell.
 */
const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60_000;

export interface Database {
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** Connects to PostgreSQL (or the embedded server) through a `pg` pool. */
export function connect(url: string, options: ConnectOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    idleTimeoutMillis: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
  });
  const onError = (err: Error) => options.onError?.(err);
  // Idle pooled clients report a lost server on the pool; checked-out ones (say, between the
  // statements of a transaction) on the client itself, where no listener would crash the process.
  pool.on('error', onError);
  pool.on('connect', (client) => {
    client.on('error', onError);
    releaseOnFailedBegin(client);
  });
  const db = drizzle({ client: pool, schema, logger: options.logger ?? false });
  let closed: Promise<void> | null = null;
  return {
    db,
    pool,
    close: () => (closed ??= pool.end()),
  };
}

/**
 * drizzle's pool transaction releases its client only once `begin` has succeeded, so a `begin` that
 * fails (the server went away) would leak the client and, after `max` such failures, hang the pool
 * and `pool.end()`. Release such a client, with the error, ourselves.
 */
function releaseOnFailedBegin(client: pg.PoolClient): void {
  const target = client as unknown as { query: (...args: unknown[]) => unknown };
  const original = target.query.bind(client);
  target.query = (...args: unknown[]) => {
    const result = original(...args);
    const first = args[0];
    const text = typeof first === 'string' ? first : (first as { text?: unknown } | undefined)?.text;
    if (result instanceof Promise && typeof text === 'string' && /^\s*begin\b/i.test(text)) {
      result.catch((err: unknown) => {
        try {
          client.release(err instanceof Error ? err : new Error(String(err)));
        } catch {
          // already released
        }
      });
    }
    return result;
  };
}
