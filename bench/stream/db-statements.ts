/**
 * What each database statement before a chat's first token costs on the embedded server, measured
 * alone: wall time and the client's CPU (building the statement, the driver) per call, and the server
 * process's CPU per call (from /proc), over
 * 100 calls after 20 warm-up calls, on a bench user (a class with a 5-chunk document).
 *
 *   npm run db-statements -w bench
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createRepositories } from '@classchat/db';
import { cpuSeconds, repoRoot, startService } from './procs.js';
import { seedUsers } from './seed.js';

const CALLS = 100;
const WARM_UP = 20;

const dataDir = mkdtempSync(join(tmpdir(), 'cc-bench-db-statements-'));
const db = await startService({
  name: 'db',
  entry: 'bench/stream/embedded-db.ts',
  env: { DATA_DIR: dataDir },
  ready: /"url":"(postgres:\/\/[^"]+)"/,
  logPath: join(repoRoot, 'bench/output/stream/db-statements.log'),
});
const url = db.ready[1]!;
const [user] = await seedUsers(url, 'bench-db-statements', 1);
const database = connect(url, { max: 4 });
const repos = createRepositories(database.db);
const scope = { userId: user!.id, classId: user!.classId, documentId: null };
const embedding = Array.from({ length: 512 }, (_, i) => Math.sin(i));

const statements: Record<string, () => Promise<unknown>> = {
  'token version (users by id; other routes)': () => repos.users.tokenVersion(user!.id),
  'quota reservation checking the token version (chat), with its release': async () => {
    const reservation = await repos.users.reserveChat(user!.id, 1_000_000, new Date(), 0);
    if (reservation) await repos.users.releaseChat(user!.id, reservation.id);
  },
  'quota release alone (after the answer)': async () => {
    await repos.users.releaseChat(user!.id, randomUUID());
  },
  'new session + question': () =>
    repos.turns.startSession({
      userId: user!.id,
      title: 'Q',
      assignedClass: user!.classId,
      content: 'What is osmosis?',
      answer: { id: randomUUID(), leaseMs: 15_000 },
    }),
  "scope's documents": () => repos.documents.listInScope(scope),
  'ranked full-text search': () => repos.chunks.fullTextSearch(scope, 'What is osmosis?', 20),
  'exact vector search': () => repos.chunks.vectorSearch(scope, embedding, 20, { exact: true }),
};

try {
  process.stdout.write('| statement | wall ms | client CPU ms | db CPU ms |\n| --- | --- | --- | --- |\n');
  for (const [name, run] of Object.entries(statements)) {
    for (let i = 0; i < WARM_UP; i++) await run();
    const cpu0 = cpuSeconds(db.pid);
    const client0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < CALLS; i++) await run();
    const wall = (performance.now() - t0) / CALLS;
    const { user: u, system: s } = process.cpuUsage(client0);
    const client = (u + s) / 1000 / CALLS;
    const cpu = ((cpuSeconds(db.pid) - cpu0) * 1000) / CALLS;
    process.stdout.write(`| ${name} | ${wall.toFixed(2)} | ${client.toFixed(2)} | ${cpu.toFixed(2)} |\n`);
  }
} finally {
  await database.close();
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
