import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { connect, type Database } from './client.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded/server.js';
import { seedDataDirFromTemplate } from './embedded/template.js';
import { migrate as runMigrations } from './migrate.js';
import type { ChunkInput } from './repositories/chunks.js';
import { createRepositories, type Repositories } from './repositories/index.js';
import { EMBEDDING_DIMENSIONS, type UserRow } from './schema.js';

export interface DbFixture {
  /** The connection URL of the fixture's database. */
  url: string;
  database: Database;
  repos: Repositories;
  root: string;
  stop(): Promise<void>;
}

/**
 * The real-PostgreSQL test job sets `CLASSCHAT_TEST_PG_URL` (a server where the test user may create
 * databases, usually without pgvector): each fixture then gets a throwaway database there, migrated
 * without the vector parts, and dropped at `stop()`.
 */
export const realPostgresUrl = (): string | undefined => process.env.CLASSCHAT_TEST_PG_URL || undefined;

export interface EmbeddedDbFixture extends DbFixture {
  embedded: EmbeddedDatabase;
}

/** One database per test file: migrations applied; embedded (PGlite) unless the real-PostgreSQL job runs. */
export async function startDbFixture(options: { migrate?: boolean } = {}): Promise<DbFixture> {
  const serverUrl = realPostgresUrl();
  return serverUrl ? startPostgresFixture(serverUrl, options) : startEmbeddedDbFixture(options);
}

/** One embedded database (fresh temp dir, free port), for tests of the embedded server itself. */
export async function startEmbeddedDbFixture(
  options: { migrate?: boolean } = {},
): Promise<EmbeddedDbFixture> {
  const root = await mkdtemp(join(tmpdir(), 'classchat-dbtest-'));
  const dataDir = join(root, 'pg');
  const migrate = options.migrate ?? true;
  // A copy of a template instead of initdb (~0.5 s instead of ~4 s): migrated, or bare for the
  // migration test.
  await seedDataDirFromTemplate(dataDir, { kind: migrate ? 'migrated' : 'empty' });
  const embedded = await startEmbeddedDatabase({ dataDir, migrate });
  const database = connect(embedded.url, { max: 10 });
  return {
    url: embedded.url,
    embedded,
    database,
    repos: createRepositories(database.db),
    root,
    async stop() {
      await database.close();
      await embedded.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function startPostgresFixture(serverUrl: string, options: { migrate?: boolean }): Promise<DbFixture> {
  const name = `classchat_test_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (options.migrate ?? true) await runMigrations(url.toString(), { withoutVector: true });
  const database = connect(url.toString(), { max: 10 });
  return {
    url: url.toString(),
    database,
    repos: createRepositories(database.db),
    root: '',
    async stop() {
      await database.close();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

export interface AliceAndBob {
  fx: DbFixture;
  alice: UserRow;
  bob: UserRow;
}

/** A test file's database with two users, Alice then Bob: one to own rows, one who must not see them. */
export async function startDbWithAliceAndBob(): Promise<AliceAndBob> {
  const fx = await startDbFixture();
  try {
    const user = (name: string) =>
      fx.repos.users.create({ email: email(name.toLowerCase()), name, passwordHash: 'h' });
    const alice = await user('Alice');
    return { fx, alice, bob: await user('Bob') };
  } catch (err) {
    await fx.stop();
    throw err;
  }
}

let counter = 0;
/** A unique email for a test user. */
export const email = (prefix = 'user') => `${prefix}-${Date.now().toString(36)}-${++counter}@example.com`;

/** Chunk rows for `texts`, chunk i on page i + 1, its token count the number of words. */
export const pageChunks = (texts: readonly string[]): ChunkInput[] =>
  texts.map((text, i) => ({
    chunkIndex: i,
    pageStart: i + 1,
    pageEnd: i + 1,
    charStart: 0,
    charEnd: text.length,
    text,
    tokenCount: text.split(/\s+/).length,
  }));

/** Deterministic pseudo-random numbers in [-0.5, 0.5). */
export function seededRandom(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
}

export const randomEmbedding = (rnd: () => number): number[] =>
  Array.from({ length: EMBEDDING_DIMENSIONS }, rnd);

export function cosineDistance(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return 1 - dot / Math.sqrt(na * nb);
}
