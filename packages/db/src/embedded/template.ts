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

export type TemplateKind = 'migrated' | 'empty';

const building = new Map<TemplateKind, Promise<string>>();

/**
 * A cleanly closed PGlite data directory (`empty`: just initdb; `migrated`: with the schema), built
 * once per machine, PGlite version and set of migrations (about 4 s of initdb).
 */
async function template(kind: TemplateKind): Promise<string> {
  const key = templateKey();
  const final = join(tmpdir(), `${PREFIX}${key}-${kind}`);
  if (existsSync(join(final, 'PG_VERSION'))) return final;
  const staging = `${final}.${process.pid}.${Date.now()}`;
  const db = new PGlite({ dataDir: staging, extensions: { vector } });
  try {
    await db.waitReady;
    if (kind === 'migrated') {
      await pgliteMigrate(drizzle({ client: db }), { migrationsFolder: MIGRATIONS_FOLDER });
    }
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
    if (name.startsWith(PREFIX) && !name.startsWith(PREFIX + key)) {
      await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => undefined);
    }
  }
  return final;
}

/**
 * For tests: fills a not-yet-existing `dataDir` with a copy of a template data directory (by
 * default with migrations applied), so a fresh database opens in well under a second instead of
 * running initdb each time. A `dataDir` that already exists is left alone.
 */
export async function seedDataDirFromTemplate(
  dataDir: string,
  options: { kind?: TemplateKind } = {},
): Promise<void> {
  if (existsSync(dataDir)) return;
  const kind = options.kind ?? 'migrated';
  let pending = building.get(kind);
  if (!pending) {
    pending = template(kind).finally(() => building.delete(kind));
    building.set(kind, pending);
  }
  const source = await pending;
  await mkdir(join(dataDir, '..'), { recursive: true });
  await cp(source, dataDir, { recursive: true });
}
