/**
 * CPU per retrieval query, client and database together, query by query: what a query's latency is on
 * an idle core, whatever else loads the machine (the wall times of run.ts wait for a core under load,
 * and its database CPU, read from /proc in 10 ms ticks, is an average).
 *
 *   node --conditions=@classchat/source --import tsx bench/retrieval/cpu.ts [--size 100000] [--rounds 2] [--database own-process]
 *
 * Runs on the store run.ts built and the questions it kept (bench/output/retrieval/zipf-<size>*). By
 * default the embedded database is served inside this process, so one query's `process.cpuUsage()`
 * holds rag's `hybridSearch`, the pg driver, the wire server and PGlite, which all run on this one
 * thread, and share one heap and its garbage collections. `--database own-process` serves it from its
 * own process, as `npm start` does (the database beside rag, not inside it): a query's CPU is then this
 * process's plus the database process's (every thread's time on a core, from /proc, in nanoseconds),
 * printed apart and summed. Each round runs every question full-text only, then hybrid (embedding
 * computed locally, as in run.ts). Besides the samples' percentiles it prints those of each question's
 * least CPU over the rounds: the samples' tail is mostly garbage collection and contention landing on
 * ordinary questions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connect, createRepositories } from '@classchat/db';
import { startEmbeddedDatabase } from '@classchat/db/embedded';
import { fakeEmbedding } from '@classchat/testkit';
import { embeddedScopes, hybridSearch, type QueryEmbedder } from '../../apps/rag/src/retrieval/search.js';
import { ROUTE_CONFIG } from '../../apps/rag/src/routing/route-config.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '2' },
    /** `in-process` (default): the database inside this process; `own-process`: as `npm start` runs it. */
    database: { type: 'string', default: 'in-process' },
  },
});
if (values.database !== 'in-process' && values.database !== 'own-process') {
  throw new Error(`--database must be in-process or own-process (got ${values.database})`);
}
const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = join(root, `bench/output/retrieval/zipf-${values.size}`);
const kept = `${dataDir}-topk-200.json`;
if (!existsSync(kept)) throw new Error(`run bench/retrieval/run.ts --sizes ${values.size} first`);
const questions = Object.keys((JSON.parse(readFileSync(kept, 'utf8')) as { fullText: object }).fullText);

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const round2 = (x: number) => Math.round(x * 100) / 100;
const rounds = Number(values.rounds);

/** Percentiles of CPU samples (ms), and of each question's least CPU over the rounds. */
function summary(xs: number[]): string {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  // Each question's least CPU over the rounds: what the code costs, without the garbage collection and
  // contention that land on whichever query is running (they set most of the samples' tail).
  const least = questions.map((_, i) =>
    Math.min(...Array.from({ length: rounds }, (_, r) => xs[r * questions.length + i]!)),
  );
  return (
    `CPU per query p50 ${round2(percentile(xs, 50))} / p95 ${round2(percentile(xs, 95))} / max ${round2(Math.max(...xs))} ms, mean ${round2(mean)} ms; ` +
    `each question's least over the rounds p50 ${round2(percentile(least, 50))} / p95 ${round2(percentile(least, 95))} ms`
  );
}
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** The embedded database in a process of its own, as `npm start` runs it (packages/db's main). */
async function ownProcessDatabase(): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@classchat/source', '--import', 'tsx', 'packages/db/src/embedded/main.ts'],
    { cwd: root, env: { ...process.env, DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /"url":"([^"]+)"/.exec(buffer);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`embedded database exited (${code})`)));
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  return { url, pid: child.pid!, stop };
}

/** CPU time of all of a process's threads, in ms (their time on a core, nanoseconds, from /proc). */
function processCpuMs(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // A thread that ended between the listing and the read: its time is in the next reading's total.
    }
  }
  return ns / 1e6;
}

const own = values.database === 'own-process' ? await ownProcessDatabase() : null;
const embedded = own ? null : await startEmbeddedDatabase({ dataDir: join(dataDir, 'pg') });
const database = connect(own?.url ?? embedded!.url, { max: 4 });
/** The database process's CPU so far (0 when it runs inside this process, counted in `cpuUsage`). */
const databaseCpuMs = own ? () => processCpuMs(own.pid) : () => 0;
try {
  const { rows } = await database.pool.query<{ user_id: string; class_id: string }>(
    `select c.user_id, c.id as class_id from classes c join users u on u.id = c.user_id
      where u.email = 'bench-u1@example.com' and c.name = 'Class 1'`,
  );
  const scope = { userId: rows[0]!.user_id, classId: rows[0]!.class_id };
  const chunks = createRepositories(database.db).chunks;
  const embedder: QueryEmbedder = { embedQuery: (text) => Promise.resolve(Array.from(fakeEmbedding(text))) };
  const memo = embeddedScopes();
  const { k, candidates } = ROUTE_CONFIG.general_qa;
  const legs = {
    fullText: (q: string) => hybridSearch({ chunks, embedder: null }, scope, q, { k, candidates }),
    hybrid: (q: string) =>
      hybridSearch({ chunks, embedder, embeddedScopes: memo }, scope, q, { k, candidates }),
  };
  const cpu: Record<keyof typeof legs, number[]> = { fullText: [], hybrid: [] };
  const dbCpu: Record<keyof typeof legs, number[]> = { fullText: [], hybrid: [] };
  const started = loadavg();
  for (const leg of Object.keys(legs) as (keyof typeof legs)[])
    for (const q of questions.slice(0, 20)) await legs[leg](q); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const leg of Object.keys(legs) as (keyof typeof legs)[]) {
      for (const q of questions) {
        const dbBefore = databaseCpuMs();
        const before = process.cpuUsage();
        await legs[leg](q);
        const used = process.cpuUsage(before);
        cpu[leg].push((used.user + used.system) / 1000);
        dbCpu[leg].push(databaseCpuMs() - dbBefore);
      }
    }
  }
  console.log(
    `${questions.length} questions × ${values.rounds} rounds, database ${values.database}, load average ${started} → ${loadavg()}`,
  );
  for (const leg of Object.keys(legs) as (keyof typeof legs)[]) {
    if (!own) {
      console.log(`${leg}: ${summary(cpu[leg])}`);
      continue;
    }
    console.log(`${leg}, rag's process: ${summary(cpu[leg])}`);
    console.log(`${leg}, database process: ${summary(dbCpu[leg])}`);
    console.log(`${leg}, both processes: ${summary(cpu[leg].map((x, i) => x + dbCpu[leg][i]!))}`);
  }
} finally {
  await database.close();
  await (own ?? embedded!).stop();
}
