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
}

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
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
  });
  pool.on('error', (err) => options.onError?.(err));
  const db = drizzle({ client: pool, schema, logger: options.logger ?? false });
  let closed: Promise<void> | null = null;
  return {
    db,
    pool,
    close: () => (closed ??= pool.end()),
  };
}
