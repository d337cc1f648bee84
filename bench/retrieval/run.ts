/**
 * Retrieval latency and vector recall at 10k and 100k chunks in the store (SPEC §9: p95 ≤ 20 ms per
 * query at 100k chunks, always k results when the scope has k chunks).
 *
 *   node --conditions=@classchat/source --import tsx bench/retrieval/run.ts [--sizes 10000,100000] [--queries 200]
 *
 * The store holds generated course documents (testkit's `largePage` text, one chunk per paragraph,
 * ~100 tokens, embedded with the fake upstream's deterministic 512-d embeddings) spread over users,
 * classes and documents: 400 chunks per document, 5 documents per class, 2 classes per user. The
 * measured scope is one class (2 000 chunks) of one user, as a student asks. Each query runs rag's
 * own `hybridSearch` (general_qa's k and candidates) through the `pg` driver against the embedded
 * database served by its own process, as in `npm start`:
 *   - full-text only (no embeddings), and hybrid (full-text + HNSW k-NN with iterative scan, fused
 *     by reciprocal rank). The query embedding is computed locally; a remote embeddings call
 *     (typically 50–300 ms) is excluded.
 *   - recall@k of the vector leg (`vectorSearch`: HNSW, `hnsw.iterative_scan = relaxed_order`)
 *     against an exact scan of the same scope.
 * Each query's top-k chunk ids (full-text and hybrid) are kept in bench/output/retrieval/ and compared
 * with the previous run's, so a change meant to make retrieval cheaper shows it ranks the same.
 * Bulk loading goes around the HNSW index (rows first, index after) and is cached under
 * bench/output/retrieval/ so reruns start at once; delete that folder to rebuild.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { connect, createRepositories, type Database } from '@classchat/db';
import { fakeEmbedding } from '@classchat/testkit';
// Not re-exported by the testkit index: the generator behind its large PDF fixture.
import { largePage, seededRandom } from '../../packages/testkit/src/fixtures/content.js';
import {
  embeddedScopes,
  EXACT_SCAN_MAX,
  hybridSearch,
  type QueryEmbedder,
} from '../../apps/rag/src/retrieval/search.js';
import { ROUTE_CONFIG } from '../../apps/rag/src/routing/route-config.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    queries: { type: 'string', default: '200' },
    /** `zipf`: realistic vocabulary (default); `generated`: testkit's 60-word generator (worst case). */
    corpus: { type: 'string', default: 'zipf' },
  },
});
const CORPUS = values.corpus === 'generated' ? 'generated' : 'zipf';
const SIZES = values.sizes.split(',').map(Number);
const QUERIES = Number(values.queries);

const CHUNKS_PER_DOC = 400;
const DOCS_PER_CLASS = 5;
const CLASSES_PER_USER = 2;
const PAGES_PER_DOC = CHUNKS_PER_DOC / 4;
const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = join(root, 'bench/output/retrieval');

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const log = (...args: unknown[]) => console.error(...args);

// ------------------------------------------------------------------------------------ database

async function startDatabase(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(
    process.execPath,
    ['--conditions=@classchat/source', '--import', 'tsx', 'packages/db/src/embedded/main.ts'],
    { cwd: root, env: { ...process.env, DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /"url":"([^"]+)"/.exec(buffer);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`embedded database exited (${code})`)));
  });
  return { child, url };
}

async function stopDatabase(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** CPU time (user + system) the process has used, in ms (Linux /proc; 10 ms resolution). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

// ------------------------------------------------------------------------------------ dataset

interface Layout {
  users: number;
  docs: number;
}

const layoutFor = (size: number): Layout => {
  const docs = Math.ceil(size / CHUNKS_PER_DOC);
  return { docs, users: Math.ceil(docs / (DOCS_PER_CLASS * CLASSES_PER_USER)) };
};

/** The paragraphs of document `d` (0-based): pages d*100+1 … of testkit's large generated course. */
function generatedChunks(d: number) {
  const chunks: Array<{ page: number; text: string; charStart: number; charEnd: number }> = [];
  for (let p = 1; p <= PAGES_PER_DOC; p++) {
    const page = largePage(d * PAGES_PER_DOC + p);
    let offset = page.heading.length + 2;
    for (const paragraph of page.paragraphs) {
      chunks.push({ page: p, text: paragraph, charStart: offset, charEnd: offset + paragraph.length });
      offset += paragraph.length + 2;
    }
  }
  return chunks;
}

/**
 * A realistic vocabulary: 8 000 content words (the generator's 60 biology words first, then
 * pronounceable made-up words) drawn with a Zipf distribution, each document favouring its own 300
 * topic words, between ordinary English function words. A query's terms then match a few percent of
 * a class, as in real course material (testkit's generator, with 60 words, matches almost every chunk).
 */
const VOCABULARY = (() => {
  const random = seededRandom(7);
  const syllables =
    'ba be bi bo ka ke ki ko ta te ti to ra re ri ro la le li lo na ne ni no sa se si so ma me mi mo pa pe pi po da de di do ga ge gi go va ve vi vo fa fe fi fo ther tion ment ase ine ose ium yl al ic'.split(
      ' ',
    );
  const words = new Set(
    'analysis balance catalyst cellular chemical concentration condition control cycle data density diffusion energy enzyme equilibrium evidence experiment factor feedback function gradient growth hypothesis inhibitor interaction level membrane model molecule network observation organism pathway pattern pressure process protein rate reaction receptor region response sample signal structure substrate surface system temperature theory tissue transfer variable volume kinetics potential expression folding signalling immune hormone population neural ecosystem'.split(
      ' ',
    ),
  );
  while (words.size < 8000) {
    const n = 2 + Math.floor(random() * 3);
    words.add(Array.from({ length: n }, () => syllables[Math.floor(random() * syllables.length)]).join(''));
  }
  return [...words];
})();
const FUNCTION_WORDS =
  'the of and in to a is that for as with by are on this be from which at an or these its it can their'.split(
    ' ',
  );

/** Zipf(s = 1.07) sampler over `n` ranks, by inverse CDF on a precomputed table. */
function zipf(n: number, random: () => number): () => number {
  const cdf: number[] = [];
  let total = 0;
  for (let r = 1; r <= n; r++) cdf.push((total += 1 / r ** 1.07));
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function topicWords(d: number): string[] {
  const random = seededRandom(1000 + d);
  return Array.from({ length: 300 }, () => VOCABULARY[40 + Math.floor(random() * 4000)]!);
}

function zipfChunks(d: number) {
  const random = seededRandom(50_000 + d);
  const rank = zipf(VOCABULARY.length, random);
  const topicRank = zipf(300, random);
  const topic = topicWords(d);
  const chunks: Array<{ page: number; text: string; charStart: number; charEnd: number }> = [];
  for (let i = 0; i < CHUNKS_PER_DOC; i++) {
    const sentences: string[] = [];
    let words = 0;
    while (words < 85) {
      const length = 8 + Math.floor(random() * 10);
      const sentence = Array.from({ length }, () => {
        const x = random();
        if (x < 0.4) return FUNCTION_WORDS[Math.floor(random() * FUNCTION_WORDS.length)]!;
        return x < 0.7 ? topic[topicRank()]! : VOCABULARY[rank()]!;
      }).join(' ');
      sentences.push(`${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`);
      words += length;
    }
    const text = sentences.join(' ');
    chunks.push({ page: 1 + Math.floor(i / 4), text, charStart: 0, charEnd: text.length });
  }
  return chunks;
}

const documentChunks = (d: number) => (CORPUS === 'zipf' ? zipfChunks(d) : generatedChunks(d));

const vectorText = (v: Float32Array) => `[${Array.from(v, (x) => x.toFixed(5)).join(',')}]`;

/** One multi-row INSERT of `rows` into `target` (a table and its column list), every value a parameter. */
async function insertRows(pool: Database['pool'], target: string, rows: unknown[][]): Promise<void> {
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    const first = params.length;
    params.push(...row);
    return `(${row.map((_, k) => `$${first + k + 1}`).join(',')})`;
  });
  await pool.query(`INSERT INTO ${target} VALUES ${tuples.join(',')}`, params);
}

const CHUNK_COLUMNS =
  'chunks (id, document_id, user_id, class_id, chunk_index, page_start, page_end, char_start, char_end, text, token_count)';
const EMBEDDING_COLUMNS =
  'chunk_embeddings (chunk_id, user_id, class_id, document_id, chunk_index, embedding)';

interface Owner {
  userId: string;
  classId: string;
  documentId: string;
}

/** A document's chunks and their embeddings in large multi-row inserts (the HNSW index is built once at the end). */
async function insertDocumentChunks(pool: Database['pool'], owner: Owner, docIndex: number): Promise<number> {
  const rows = documentChunks(docIndex);
  for (let i = 0; i < rows.length; i += 200) {
    const batch = rows.slice(i, i + 200);
    const ids = batch.map(() => randomUUID());
    await insertRows(
      pool,
      CHUNK_COLUMNS,
      batch.map((r, j) => [
        ids[j],
        owner.documentId,
        owner.userId,
        owner.classId,
        i + j,
        r.page,
        r.page,
        r.charStart,
        r.charEnd,
        r.text,
        Math.ceil(r.text.length / 4),
      ]),
    );
    await insertRows(
      pool,
      EMBEDDING_COLUMNS,
      batch.map((r, j) => [
        ids[j],
        owner.userId,
        owner.classId,
        owner.documentId,
        i + j,
        vectorText(fakeEmbedding(r.text)),
      ]),
    );
  }
  return rows.length;
}

/** One user's classes and documents, from document `firstDoc` until `lastDoc` (exclusive); the next index. */
async function loadUser(database: Database, u: number, firstDoc: number, lastDoc: number): Promise<number> {
  const repos = createRepositories(database.db);
  const user = await repos.users.create({
    email: `bench-u${u}@example.com`,
    name: `User ${u}`,
    passwordHash: 'x',
  });
  let docIndex = firstDoc;
  for (let c = 1; c <= CLASSES_PER_USER && docIndex < lastDoc; c++) {
    const cls = await repos.classes.create(user.id, `Class ${c}`);
    for (let d = 1; d <= DOCS_PER_CLASS && docIndex < lastDoc; d++, docIndex++) {
      const doc = await repos.documents.create({
        userId: user.id,
        classId: cls.id,
        fileName: `Course ${docIndex + 1}.pdf`,
        mimeType: 'application/pdf',
        byteSize: 1,
        sha256: `bench-${docIndex}`,
        storageKey: `bench/${docIndex}.pdf`,
      });
      const owner = { userId: user.id, classId: cls.id, documentId: doc.id };
      const chunkCount = await insertDocumentChunks(database.pool, owner, docIndex);
      await repos.documents.markReady(doc.id, PAGES_PER_DOC, chunkCount);
    }
  }
  return docIndex;
}

async function buildVectorIndex(database: Database): Promise<void> {
  await database.db.transaction(async (tx) => {
    await tx.execute(sql.raw(`SET LOCAL maintenance_work_mem = '1GB'`));
    await tx.execute(
      sql.raw(
        'CREATE INDEX chunk_embeddings_hnsw_idx ON chunk_embeddings USING hnsw (embedding vector_cosine_ops)',
      ),
    );
  });
  await database.pool.query('ANALYZE');
}

async function load(database: Database, size: number): Promise<void> {
  const { pool } = database;
  const [{ count }] = (await pool.query<{ count: number }>('select count(*)::int as count from chunks'))
    .rows as [{ count: number }];
  if (count >= size) {
    log(`  dataset of ${count} chunks already loaded`);
    return;
  }
  if (count > 0) throw new Error(`partial dataset (${count} chunks) in ${outDir}: delete it and rerun`);
  const layout = layoutFor(size);
  const started = performance.now();
  log(`  loading ${layout.docs} documents × ${CHUNKS_PER_DOC} chunks for ${layout.users} users…`);
  await pool.query('DROP INDEX IF EXISTS chunk_embeddings_hnsw_idx');
  let docIndex = 0;
  for (let u = 1; u <= layout.users && docIndex < layout.docs; u++) {
    docIndex = await loadUser(database, u, docIndex, layout.docs);
    log(`    ${docIndex * CHUNKS_PER_DOC} rows (${round((performance.now() - started) / 1000)} s)`);
  }
  const indexStarted = performance.now();
  await buildVectorIndex(database);
  log(
    `  loaded in ${round((performance.now() - started) / 1000)} s (HNSW index build ${round((performance.now() - indexStarted) / 1000)} s)`,
  );
}

// ------------------------------------------------------------------------------------ queries

/** Questions a student might ask of the measured class (its documents are 0…DOCS_PER_CLASS-1). */
function questions(n: number): string[] {
  const random = seededRandom(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  if (CORPUS === 'generated') {
    const topics = [
      'enzyme kinetics',
      'membrane potential',
      'gene expression',
      'protein folding',
      'cell signalling',
    ];
    const words = [
      'catalyst',
      'gradient',
      'equilibrium',
      'receptor',
      'substrate',
      'feedback',
      'diffusion',
      'pressure',
    ];
    return Array.from({ length: n }, (_, i) => {
      switch (i % 4) {
        case 0:
          return `How does the ${pick(words)} affect ${pick(topics)}?`;
        case 1:
          return `Which section explains worked example number ${1 + Math.floor(random() * 1000)}?`;
        case 2:
          return `What is the role of ${pick(words)} and ${pick(words)} in the ${pick(words)} pathway?`;
        default:
          return `Explain ${pick(topics)}`;
      }
    });
  }
  const classTopics = Array.from({ length: DOCS_PER_CLASS }, (_, d) => topicWords(d).slice(0, 60));
  const common = VOCABULARY.slice(0, 400);
  return Array.from({ length: n }, (_, i) => {
    const topic = pick(classTopics);
    switch (i % 4) {
      case 0:
        return `How does the ${pick(topic)} affect ${pick(topic)}?`;
      case 1:
        return `What is the role of ${pick(common)} in ${pick(topic)} ${pick(topic)}?`;
      case 2:
        return `Explain ${pick(topic)}`;
      default:
        return `Compare the ${pick(common)} and ${pick(common)} of ${pick(VOCABULARY)}`;
    }
  });
}

interface Timing {
  p50: number;
  p95: number;
  mean: number;
  /** CPU the database process spent per query (steadier than wall time on a shared machine). */
  dbCpuMs: number;
  /** CPU this (client) process spent per query: rag's code, the pg driver. */
  clientCpuMs: number;
}

interface Measured {
  size: number;
  scopeChunks: number;
  fullText: Timing;
  hybrid: Timing;
  /** Queries whose hybrid result had fewer than k passages (k ≤ scope size). */
  shortResults: number;
  /** Each question's top-k chunk ids, best first. */
  topK: { fullText: Record<string, string[]>; hybrid: Record<string, string[]> };
  recall: Record<string, number>;
  exactFallbacks: number;
}

interface MeasuredScope {
  scope: { userId: string; classId: string };
  /** Chunks in the scope. */
  n: number;
}

/** The measured class: user 1's first class. */
async function measuredScope(pool: Database['pool']): Promise<MeasuredScope> {
  const { rows } = await pool.query<{ user_id: string; class_id: string; n: number }>(
    `select c.user_id, c.id as class_id, (select count(*)::int from chunks k where k.class_id = c.id) as n
       from classes c join users u on u.id = c.user_id where u.email = 'bench-u1@example.com' and c.name = 'Class 1'`,
  );
  const target = rows[0]!;
  return { scope: { userId: target.user_id, classId: target.class_id }, n: target.n };
}

/** Runs every question through `run` after a warm-up: wall-time percentiles and CPU per query. */
async function timeQueries(
  qs: string[],
  dbPid: number,
  run: (q: string) => Promise<unknown>,
): Promise<Timing> {
  for (const q of qs.slice(0, 10)) await run(q); // warm-up
  const ms: number[] = [];
  const db0 = cpuMs(dbPid);
  const client0 = process.cpuUsage();
  for (const q of qs) {
    const t = performance.now();
    await run(q);
    ms.push(performance.now() - t);
  }
  const client = process.cpuUsage(client0);
  return {
    p50: round(percentile(ms, 50)),
    p95: round(percentile(ms, 95)),
    mean: round(ms.reduce((a, b) => a + b) / ms.length),
    dbCpuMs: round((cpuMs(dbPid) - db0) / qs.length, 2),
    clientCpuMs: round((client.user + client.system) / 1000 / qs.length, 2),
  };
}

/** The scope's exact top k by cosine distance (the `+ 0` keeps the HNSW index out). */
async function exactTop(pool: Database['pool'], { scope }: MeasuredScope, vector: number[], k: number) {
  const { rows } = await pool.query<{ id: string }>(
    `select chunk_id as id from chunk_embeddings where user_id = $1 and class_id = $2
      order by (embedding <=> $3::vector) + 0 limit $4`,
    [scope.userId, scope.classId, JSON.stringify(vector), k],
  );
  return rows.map((r) => r.id);
}

/**
 * The HNSW index forced on the scope (iterative scan, relaxed order, ef_search as the repository sets
 * it), which is what a scope above EXACT_SCAN_MAX gets; the statement's wall time goes to `timings`.
 */
async function hnswTop(
  pool: Database['pool'],
  { scope }: MeasuredScope,
  vector: number[],
  k: number,
  timings: number[],
) {
  const client = await pool.connect();
  try {
    await client.query(
      `BEGIN; SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL hnsw.ef_search = ${Math.max(40, k)};
       SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off`,
    );
    const t = performance.now();
    const { rows } = await client.query<{ id: string }>(
      `select chunk_id as id from chunk_embeddings where user_id = $1 and class_id = $2
        order by embedding <=> $3::vector limit $4`,
      [scope.userId, scope.classId, JSON.stringify(vector), k],
    );
    timings.push(performance.now() - t);
    await client.query('COMMIT');
    return rows.map((r) => r.id);
  } finally {
    client.release();
  }
}

/**
 * Recall against an exact scan of the same scope: of the vector leg as rag runs it (a class is within
 * EXACT_SCAN_MAX, so it is scanned exactly), and of the HNSW index forced on the same scope.
 */
async function measureRecall(
  database: Database,
  chunks: ReturnType<typeof createRepositories>['chunks'],
  target: MeasuredScope,
  qs: string[],
): Promise<Record<string, number>> {
  const recall: Record<string, number> = {};
  const forced: number[] = [];
  for (const k of [10, ROUTE_CONFIG.general_qa.candidates]) {
    const hits = { rag: 0, hnsw: 0, total: 0 };
    for (const q of qs.slice(0, 100)) {
      const vector = Array.from(fakeEmbedding(q));
      const truth = new Set(await exactTop(database.pool, target, vector, k));
      const approx = await chunks.vectorSearch(target.scope, vector, k, {
        exact: target.n <= EXACT_SCAN_MAX,
      });
      hits.rag += approx.filter((a) => truth.has(a.chunkId)).length;
      hits.hnsw += (await hnswTop(database.pool, target, vector, k, forced)).filter((id) =>
        truth.has(id),
      ).length;
      hits.total += truth.size;
    }
    recall[`rag@${k}`] = round(hits.rag / hits.total, 3);
    recall[`hnsw@${k}`] = round(hits.hnsw / hits.total, 3);
  }
  recall.hnswQueryP50Ms = round(percentile(forced, 50));
  return recall;
}

async function measure(database: Database, size: number, dbPid: number): Promise<Measured> {
  let exactFallbacks = 0;
  const repos = createRepositories(database.db, {
    onSearch: (e) => {
      if (e.exactFallback) exactFallbacks++;
    },
  });
  const target = await measuredScope(database.pool);
  const { scope } = target;
  const embedder: QueryEmbedder = { embedQuery: (text) => Promise.resolve(Array.from(fakeEmbedding(text))) };
  const cfg = ROUTE_CONFIG.general_qa;
  const qs = questions(QUERIES);

  const topK: Measured['topK'] = { fullText: {}, hybrid: {} };
  const fullText = await timeQueries(qs, dbPid, async (q) => {
    const r = await hybridSearch({ chunks: repos.chunks, embedder: null }, scope, q, {
      k: cfg.k,
      candidates: cfg.candidates,
    });
    topK.fullText[q] = r.passages.map((p) => p.chunkId);
  });
  let shortResults = 0;
  exactFallbacks = 0;
  const memo = embeddedScopes();
  const hybrid = await timeQueries(qs, dbPid, async (q) => {
    const r = await hybridSearch({ chunks: repos.chunks, embedder, embeddedScopes: memo }, scope, q, {
      k: cfg.k,
      candidates: cfg.candidates,
    });
    if (r.passages.length < Math.min(cfg.k, target.n)) shortResults++;
    topK.hybrid[q] = r.passages.map((p) => p.chunkId);
  });
  const recall = await measureRecall(database, repos.chunks, target, qs);
  return { size, scopeChunks: target.n, fullText, hybrid, shortResults, topK, recall, exactFallbacks };
}

/** How many queries' top-k differ from the previous run's (kept beside the data), then keeps this run's. */
function compareTopK(dataDir: string, topK: Measured['topK']): Record<keyof Measured['topK'], number> | null {
  const file = `${dataDir}-topk-${QUERIES}.json`;
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Measured['topK']) : null;
  writeFileSync(file, JSON.stringify(topK));
  if (!previous) return null;
  const differing = (now: Record<string, string[]>, before: Record<string, string[]>) =>
    Object.entries(now).filter(([q, ids]) => ids.join() !== before[q]?.join()).length;
  return {
    fullText: differing(topK.fullText, previous.fullText),
    hybrid: differing(topK.hybrid, previous.hybrid),
  };
}

// ------------------------------------------------------------------------------------ main

const results: Measured[] = [];
for (const size of SIZES) {
  const dataDir = join(outDir, `${CORPUS}-${size}`);
  log(`\n${size} chunks (${existsSync(dataDir) ? 'cached' : 'new'} data in ${dataDir})`);
  const { child, url } = await startDatabase(dataDir);
  const database = connect(url, { max: 4 });
  try {
    await load(database, size);
    const m = await measure(database, size, child.pid!);
    results.push(m);
    const changed = compareTopK(dataDir, m.topK);
    log(
      changed
        ? `  top-k unlike the previous run's: full-text ${changed.fullText}, hybrid ${changed.hybrid} of ${Object.keys(m.topK.fullText).length} questions`
        : `  top-k kept for the next run to compare with`,
    );
    const { topK: _topK, ...figures } = m;
    log(`  ${JSON.stringify(figures)}`);
  } finally {
    await database.close();
    await stopDatabase(child);
  }
}

console.log(
  `\ncorpus ${CORPUS}, ${QUERIES} queries, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
);
console.log(
  '| chunks in store | scope (class) | full-text p50 / p95 ms | full-text db CPU ms/query | hybrid p50 / p95 ms | hybrid db CPU ms/query | vector recall (HNSW vs exact) | short results |',
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
for (const m of results) {
  const recall = Object.entries(m.recall)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  console.log(
    `| ${m.size.toLocaleString('en')} | ${m.scopeChunks} | ${m.fullText.p50} / ${m.fullText.p95} | ${m.fullText.dbCpuMs} | ${m.hybrid.p50} / ${m.hybrid.p95} | ${m.hybrid.dbCpuMs} | ${recall} | ${m.shortResults} / ${QUERIES} |`,
  );
}
console.log(
  JSON.stringify({
    bench: 'retrieval',
    queries: QUERIES,
    results: results.map(({ topK: _topK, ...m }) => m),
  }),
);
