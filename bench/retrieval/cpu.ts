/**
 * CPU per retrieval query, client and database together, query by query: what a query's latency is on
 * an idle core, whatever else loads the machine (the wall times of run.ts wait for a core under load,
 * and its database CPU, read from /proc in 10 ms ticks, is an average).
 *
 *   node --conditions=@classchat/source --import tsx bench/retrieval/cpu.ts [--size 100000] [--rounds 2]
 *
 * Runs on the store run.ts built and the questions it kept (bench/output/retrieval/zipf-<size>*): the
 * embedded database is served inside this process, so one query's `process.cpuUsage()` holds rag's
 * `hybridSearch`, the pg driver, the wire server and PGlite, which all run on this one thread. Each
 * round runs every question full-text only, then hybrid (embedding computed locally, as in run.ts).
 * Besides the samples' percentiles it prints those of each question's least CPU over the rounds: the
 * samples' tail is mostly garbage collection and contention landing on ordinary questions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connect, createRepositories } from '@classchat/db';
import { startEmbeddedDatabase } from '@classchat/db/embedded';
import { fakeEmbedding } from '@classchat/testkit';
import { embeddedScopes, hybridSearch, type QueryEmbedder } from '../../apps/rag/src/retrieval/search.js';
import { ROUTE_CONFIG } from '../../apps/rag/src/routing/route-config.js';

const { values } = parseArgs({
  options: { size: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '2' } },
});
const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = join(root, `bench/output/retrieval/zipf-${values.size}`);
const kept = `${dataDir}-topk-200.json`;
if (!existsSync(kept)) throw new Error(`run bench/retrieval/run.ts --sizes ${values.size} first`);
const questions = Object.keys((JSON.parse(readFileSync(kept, 'utf8')) as { fullText: object }).fullText);

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const round2 = (x: number) => Math.round(x * 100) / 100;
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const embedded = await startEmbeddedDatabase({ dataDir: join(dataDir, 'pg') });
const database = connect(embedded.url, { max: 4 });
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
  const started = loadavg();
  for (const leg of Object.keys(legs) as (keyof typeof legs)[])
    for (const q of questions.slice(0, 20)) await legs[leg](q); // warm-up
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const leg of Object.keys(legs) as (keyof typeof legs)[]) {
      for (const q of questions) {
        const before = process.cpuUsage();
        await legs[leg](q);
        const used = process.cpuUsage(before);
        cpu[leg].push((used.user + used.system) / 1000);
      }
    }
  }
  console.log(
    `${questions.length} questions × ${values.rounds} rounds, load average ${started} → ${loadavg()}`,
  );
  for (const [leg, xs] of Object.entries(cpu)) {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    // Each question's least CPU over the rounds: what the code costs, without the garbage collection and
    // contention that land on whichever query is running (they set most of the samples' tail).
    const least = questions.map((_, i) =>
      Math.min(...Array.from({ length: Number(values.rounds) }, (_, r) => xs[r * questions.length + i]!)),
    );
    console.log(
      `${leg}: CPU per query p50 ${round2(percentile(xs, 50))} / p95 ${round2(percentile(xs, 95))} / max ${round2(Math.max(...xs))} ms, mean ${round2(mean)} ms; ` +
        `each question's least over the rounds p50 ${round2(percentile(least, 50))} / p95 ${round2(percentile(least, 95))} ms`,
    );
  }
} finally {
  await database.close();
  await embedded.stop();
}
