import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate as pgliteMigrate } from 'drizzle-orm/pglite/migrator';
import { MIGRATIONS_FOLDER } from '../migrate.js';

const PREFIX = 'classchat-pg-template-';

/** Changes whenever the migrations or the PGlite build change. */
function templateKey(): string {
  const hash = createHash('sha256');
  const require = createRequire(import.meta.url);
  // The entry point is dist/index.*; its package.json (not exported) sits one level up.
  const entry = require.resolve('@electric-sql/pglite');
  const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  hash.update(pkg.version);
  for (const file of readdirSync(MIGRATIONS_FOLDER)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

let building: Promise<string> | null = null;

/** A migrated, cleanly closed PGlite data directory, built once per machine and version (about 4 s). */
async function template(): Promise<string> {
  const final = join(tmpdir(), PREFIX + templateKey());
  if (existsSync(join(final, 'PG_VERSION'))) return final;
  const staging = `${final}.${process.pid}.${Date.now()}`;
  const db = new PGlite({ dataDir: staging, extensions: { vector } });
  try {
    await db.waitReady;
    await pgliteMigrate(drizzle({ client: db }), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await db.close();
  }
  try {
    await rename(staging, final); // atomic: concurrent builders race, one wins
  } catch {
    await rm(staging, { recursive: true, force: true });
  }
  // Templates of older migrations or PGlite versions are dead weight.
  for (const name of await readdir(tmpdir())) {
    if (name.startsWith(PREFIX) && !name.startsWith(PREFIX + templateKey())) {
      await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => undefined);
    }
  }
  return final;
}

/**
 * For tests: fills a not-yet-existing `dataDir` with a copy of a migrated template, so a fresh
 * database opens in well under a second instead of running initdb each time. A `dataDir` that
 * already exists is left alone.
 */
export async function seedDataDirFromTemplate(dataDir: string): Promise<void> {
  if (existsSync(dataDir)) return;
  const source = await (building ??= template().finally(() => {
    building = null;
  }));
  await mkdir(join(dataDir, '..'), { recursive: true });
  await cp(source, dataDir, { recursive: true });
}
