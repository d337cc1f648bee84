// The real-PostgreSQL test job's server: the one on 127.0.0.1:5432 when it lets us in, else Debian's
// `postgresql` installed and started here. Plain Node: run by `npm test` after `npm ci`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import pg from 'pg';
import { aptInstall, log } from './lib.mjs';

const LOCAL_PASSWORD = 'classchat-test';
const candidates = [
  'postgres://postgres@127.0.0.1:5432/postgres',
  `postgres://postgres:${LOCAL_PASSWORD}@127.0.0.1:5432/postgres`,
];

/** A URL of a server where the test user may create databases, or null (with the reason logged). */
export async function ensurePostgres() {
  if (process.env.TEST_PG_URL) return process.env.TEST_PG_URL;
  const found = await firstReachable();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    log('real-PostgreSQL tests not run: no server on 127.0.0.1:5432 lets us in (set TEST_PG_URL to one)');
    return null;
  }
  try {
    if (!existsSync('/etc/postgresql')) aptInstall(['postgresql']);
    for (const version of readdirSync('/etc/postgresql')) {
      spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
        stdio: 'inherit',
      });
    }
    // A fresh Debian cluster accepts TCP logins by password only: give the postgres role one.
    spawnSync('su', ['postgres', '-c', `psql -qc "ALTER ROLE postgres PASSWORD '${LOCAL_PASSWORD}'"`], {
      stdio: 'inherit',
    });
  } catch (err) {
    log(`real-PostgreSQL tests not run: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
  const started = await firstReachable();
  if (!started) log('real-PostgreSQL tests not run: the server installed here does not let us in');
  return started;
}

async function firstReachable() {
  for (const url of candidates) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      const { rows } = await client.query(
        'SELECT rolcreatedb OR rolsuper AS ok FROM pg_roles WHERE rolname = current_user',
      );
      if (rows[0]?.ok) return url;
    } catch {
      // not this one
    } finally {
      await client.end().catch(() => {});
    }
  }
  return null;
}
