import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate as drizzleMigrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { pgErrorOf } from './errors.js';

/**
 * The database cannot be set up by the role we connect as, in a way only its administrator can fix:
 * the message says what to do, and the services print it without a stack trace.
 */
export class DatabaseSetupError extends Error {
  override readonly name = 'DatabaseSetupError';
}

/**
 * A failed migration explained, when it failed on `CREATE EXTENSION vector`: the extension is not
 * installed on the server (0A000 "not available"; 58P01 before PostgreSQL 15), or the role may not
 * create it (42501). null for anything else.
 */
export function explainMigrationError(err: unknown, database: string | null): DatabaseSetupError | null {
  const pgErr = pgErrorOf(err);
  if (!pgErr) return null;
  const text = messagesOf(err).join(' ');
  if (!/extension/i.test(text) || !/vector/i.test(text)) return null;
  const where = database ? `database "${database}"` : 'the database';
  const run = `a superuser must run \`CREATE EXTENSION vector;\` in ${where} once. Start Class Chat again after that; its migrations create everything else.`;
  if (pgErr.code === '0A000' || pgErr.code === '58P01') {
    return new DatabaseSetupError(
      `PostgreSQL has no pgvector extension (Class Chat stores embeddings with it). Install pgvector on the database server (https://github.com/pgvector/pgvector); then ${run}`,
    );
  }
  if (pgErr.code === '42501') {
    return new DatabaseSetupError(
      `The PostgreSQL role Class Chat connects as may not create the pgvector extension: ${run}`,
    );
  }
  return null;
}

function messagesOf(err: unknown): string[] {
  const messages: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur instanceof Error; depth++) {
    messages.push(cur.message);
    cur = cur.cause;
  }
  return messages;
}

function databaseOf(target: string | pg.Pool): string | null {
  if (typeof target !== 'string') return target.options.database ?? null;
  try {
    return decodeURIComponent(new URL(target).pathname.slice(1)) || null;
  } catch {
    return null;
  }
}

/** The committed SQL migrations; this file sits directly under `src/` and `dist/`, so `..` is the package. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));

/** Advisory lock keys serialising migrations of concurrently starting api and rag processes. */
const LOCK_KEYS = [0x0c1a55, 0xd8] as const;

/**
 * Applies pending migrations (a no-op when none are pending). Takes a session advisory lock on a
 * dedicated connection first, so concurrent starts on PostgreSQL run one after the other. Throws a
 * `DatabaseSetupError` when the pgvector extension is missing and cannot be created by this role.
 * `target` is a connection URL (a short-lived pool is used) or an existing pool.
 */
export async function migrate(
  target: string | pg.Pool,
  options: { withoutVector?: boolean } = {},
): Promise<void> {
  const pool = typeof target === 'string' ? new pg.Pool({ connectionString: target, max: 1 }) : target;
  try {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('SELECT pg_advisory_lock($1, $2)', [...LOCK_KEYS]);
      try {
        // Only the real-PostgreSQL test job asks for this: a server without pgvector, where the
        // relational schema is tested and the vector column and its index are left out.
        if (options.withoutVector) await client.query(`SET classchat.without_vector = 'on'`);
        await drizzleMigrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
      } catch (err) {
        throw explainMigrationError(err, databaseOf(target)) ?? err;
      } finally {
        if (options.withoutVector) await client.query('RESET classchat.without_vector');
        await client.query('SELECT pg_advisory_unlock($1, $2)', [...LOCK_KEYS]);
      }
    } catch (err) {
      broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      try {
        client.release(broken);
      } catch {
        // already released (a failed `begin` releases its client; see client.ts)
      }
    }
  } finally {
    if (typeof target === 'string') await pool.end();
  }
}
