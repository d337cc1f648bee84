import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../client.js';
import { createRepositories } from '../repositories/index.js';
import { DatabaseLockedError } from './lock.js';
import { startEmbeddedDatabase } from './server.js';
import { seedDataDirFromTemplate } from './template.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

interface Child {
  proc: ChildProcess;
  stdoutLines: string[];
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Runs the embedded-database CLI from source, as `npm start` would. */
function runMain(dataRoot: string): Child {
  const proc = spawn(process.execPath, ['--conditions=@classchat/source', '--import', 'tsx', MAIN], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATA_DIR: dataRoot, EMBEDDED_DB_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdoutLines: string[] = [];
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: proc.stdout }).on('line', (l) => stdoutLines.push(l));
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, stdoutLines, stderr: () => stderr, exit };
}

async function readyUrl(child: Child): Promise<string> {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    const line = child.stdoutLines[0];
    if (line) {
      const parsed = JSON.parse(line) as { event: string; url: string };
      expect(parsed.event).toBe('ready');
      return parsed.url;
    }
    if (child.proc.exitCode !== null) throw new Error(`exited ${child.proc.exitCode}: ${child.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not ready: ${child.stderr()}`);
}

describe('embedded database', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'classchat-embedded-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('refuses a second process on the same data directory with a clear message', async () => {
    const dataRoot = join(root, 'locked');
    const dataDir = join(dataRoot, 'pg');
    await seedDataDirFromTemplate(dataDir);
    const first = await startEmbeddedDatabase({ dataDir });
    try {
      await expect(startEmbeddedDatabase({ dataDir })).rejects.toBeInstanceOf(DatabaseLockedError);

      const second = runMain(dataRoot);
      expect(await second.exit).toBe(1);
      expect(second.stdoutLines).toEqual([]);
      expect(second.stderr()).toContain(
        `Another Class Chat database process (pid ${process.pid}) is using ${dataDir}`,
      );
    } finally {
      await first.stop();
    }
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  }, 60_000);

  it('takes over a lock left by a process that is gone', async () => {
    const dataDir = join(root, 'stale', 'pg');
    await seedDataDirFromTemplate(dataDir);
    const gone = spawn(process.execPath, ['-e', '0']);
    const deadPid = gone.pid!;
    await new Promise((r) => gone.on('exit', r));
    writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: deadPid }));
    const db = await startEmbeddedDatabase({ dataDir });
    await db.stop();
  });

  it('stops cleanly on SIGTERM in the middle of writes and restarts consistent', async () => {
    const dataRoot = join(root, 'sigterm');
    await seedDataDirFromTemplate(join(dataRoot, 'pg'));
    const child = runMain(dataRoot);
    const url = await readyUrl(child);

    const { db, close } = connect(url, { max: 4 });
    const repos = createRepositories(db);
    const user = await repos.users.create({ email: 'writer@example.com', name: 'W', passwordHash: 'h' });
    let committed = 0;
    let failure: unknown = null;
    const writers = Array.from({ length: 3 }, async (_, w) => {
      try {
        for (let i = 0; ; i++) {
          // One document and its chunks per transaction: either all of it survives or none.
          await db.transaction(async (tx) => {
            const r = createRepositories(tx);
            const doc = await r.documents.create({
              userId: user.id,
              classId: null,
              fileName: `w${w}-${i}.txt`,
              mimeType: 'text/plain',
              byteSize: 1,
              sha256: `${w}-${i}`,
              storageKey: `${w}-${i}`,
            });
            const n = 5 + (i % 7);
            await r.chunks.insertForDocument(
              doc,
              Array.from({ length: n }, (_, c) => ({
                chunkIndex: c,
                pageStart: 1,
                pageEnd: 1,
                charStart: 0,
                charEnd: 4,
                text: `text ${c}`,
                tokenCount: 2,
              })),
            );
            await r.documents.markReady(doc.id, 1, n);
          });
          committed++;
        }
      } catch (err) {
        failure = err; // the server went away mid-write: expected
      }
    });
    while (committed < 15) await new Promise((r) => setTimeout(r, 20));
    child.proc.kill('SIGTERM');
    expect(await child.exit).toBe(0);
    await Promise.all(writers);
    expect(failure).not.toBeNull();
    await close();
    expect(existsSync(join(dataRoot, 'pg.lock'))).toBe(false);

    // Restart on the same directory (in this process: what matters is the data directory).
    const again = await startEmbeddedDatabase({ dataDir: join(dataRoot, 'pg') });
    const second = connect(again.url, { max: 2 });
    try {
      const docs = await createRepositories(second.db).documents.list(user.id);
      expect(docs.length).toBeGreaterThanOrEqual(committed);
      const { rows } = await second.pool.query<{
        id: string;
        chunk_count: number;
        status: string;
        n: number;
      }>(
        `SELECT d.id, d.chunk_count, d.status, count(c.id)::int AS n
           FROM documents d LEFT JOIN chunks c ON c.document_id = d.id GROUP BY d.id`,
      );
      // Every transaction is there completely or not at all.
      for (const row of rows) {
        expect(row.status).toBe('ready');
        expect(row.n).toBe(row.chunk_count);
      }
      // Indexes agree with the table, and it is still writable.
      const { rows: check } = await second.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM chunks WHERE tsv @@ websearch_to_tsquery('english', 'text')`,
      );
      expect(check[0]!.n).toBe(rows.reduce((a, r) => a + r.n, 0));
      await createRepositories(second.db).users.create({
        email: 'after@example.com',
        name: 'A',
        passwordHash: 'h',
      });
    } finally {
      await second.close();
      await again.stop();
    }
  }, 90_000); // a child process boots through tsx
});
