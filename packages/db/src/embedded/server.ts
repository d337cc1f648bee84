import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate as pgliteMigrate } from 'drizzle-orm/pglite/migrator';
import { MIGRATIONS_FOLDER } from '../migrate.js';
import { acquireDataDirLock } from './lock.js';
import { WireServer } from './wire-server.js';

export interface EmbeddedDatabaseOptions {
  /** PGlite data directory (created if missing); `<dataDir>.lock` guards it against a second process. */
  dataDir: string;
  /** 0 (default): a free port. */
  port?: number;
  host?: string;
  /** Apply pending migrations before accepting connections (default true). */
  migrate?: boolean;
  /** Concurrent client connections (default 32); all share PGlite's one backend session. */
  maxConnections?: number;
}

export interface EmbeddedDatabase {
  /** `postgres://postgres@host:port/postgres`, for `connect()` / `DATABASE_URL`. */
  url: string;
  port: number;
  dataDir: string;
  /** Stops accepting connections, rolls back open transactions, waits for the running query, closes PGlite and releases the lock. */
  stop(): Promise<void>;
}

/**
 * Opens PGlite (with pgvector) at `dataDir` and serves it over the PostgreSQL wire protocol.
 * Exactly one process may own a data directory; a second one throws `DatabaseLockedError`.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  mkdirSync(dirname(dataDir), { recursive: true });
  const releaseLock = acquireDataDirLock(dataDir, `${dataDir}.lock`);
  let pglite: PGlite | undefined;
  let server: WireServer | undefined;
  let port: number;
  try {
    pglite = new PGlite({ dataDir, extensions: { vector } });
    await pglite.waitReady;
    if (options.migrate ?? true) {
      await pgliteMigrate(drizzle({ client: pglite }), { migrationsFolder: MIGRATIONS_FOLDER });
    }
    // PGlite runs no autovacuum: fresh planner statistics, or vector search sorts whole scopes.
    await pglite.exec('ANALYZE');
    server = new WireServer(pglite, {
      port: options.port ?? 0,
      host,
      maxConnections: options.maxConnections ?? 32,
    });
    port = await server.start();
  } catch (err) {
    await server?.stop().catch(() => undefined);
    await pglite?.close().catch(() => undefined);
    releaseLock();
    throw err;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const db = pglite;
  const socketServer = server;
  let stopping: Promise<void> | null = null;
  return {
    url: `postgres://postgres@${urlHost}:${port}/postgres`,
    port,
    dataDir,
    stop: () =>
      (stopping ??= (async () => {
        try {
          await socketServer.stop();
          await db.close();
        } finally {
          releaseLock();
        }
      })()),
  };
}
