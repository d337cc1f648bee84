import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate as drizzleMigrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

/** The committed SQL migrations; this file sits directly under `src/` and `dist/`, so `..` is the package. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));

/** Advisory lock keys serialising migrations of concurrently starting api and rag processes. */
const LOCK_KEYS = [0x0c1a55, 0xd8] as const;

/**
 * Applies pending migrations (a no-op when none are pending). Takes a session advisory lock on a
 * dedicated connection first, so concurrent starts on PostgreSQL run one after the other.
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
