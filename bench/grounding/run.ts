/**
 * Grounding: does an answer cite the page that answers the question, quote the answer, and say so
 * when the material does not cover it? Real manuals from Debian documentation packages
 * (bench/corpus/debian-docs.ts) and student-phrased questions (questions.json), through rag's real
 * HTTP API: one class holding every file, ingested with `POST /api/v1/documents/:id/ingest` and asked
 * with the blocking `POST /api/v1/semantic_search`. Answers are offline (extractive) in every
 * configuration, so the figures measure retrieval and the answer engine, not a model:
 *
 *   - full-text: rag with no model server (full-text retrieval only);
 *   - hybrid: rag with the fake OpenAI upstream's embeddings and an empty OPENAI_CHAT_MODEL;
 *   - bm25 baseline: plain page-level BM25 over the same PDF.js page texts, top 3 pages.
 *
 *   npm run grounding -w bench        # or: node --conditions=@classchat/source --import tsx bench/grounding/run.ts
 *   [--config full-text,hybrid] [--out bench/output/grounding.json]
 *
 * The embedded database, the fake upstream and rag run in this process (rag serves real HTTP on a
 * free port). The first run downloads the PDFs with apt (see debian-docs.ts); later runs use the cache.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SemanticSearchBody, SemanticSearchResponse } from '@classchat/contracts';
import { connect, createRepositories, type Repositories } from '@classchat/db';
import { loadRagConfig, startRag } from '@classchat/rag';
import { startFakeOpenAI, startTestDatabase } from '@classchat/testkit';
import {
  DEBIAN_PDFS,
  FRESH_DEBIAN_PDFS,
  fetchDebianPdfs,
  type DebianPdf,
  type FetchedPdf,
} from '../corpus/debian-docs.js';
import { readPdfPages, type PdfPage } from '../corpus/pdf-pages.js';
import { findRunningLines, type RunningLines } from '../corpus/running-lines.js';
import { ragHttp, type RagHttp } from '../lib/rag-http.js';
import { storePdf } from '../lib/store-pdf.js';
import { buildBm25 } from './bm25.js';
import {
  FRESH_QUESTIONS_PATH,
  QUESTIONS_PATH,
  loadQuestions,
  questionProblems,
  type AnswerableQuestion,
  type QuestionSet,
} from './questions.js';
import { quoteNoise, scoreAnswer, scoreBaseline, isNotCovered, type AnswerScore } from './score.js';
import { summarize, type QuestionResult, type Summary } from './summary.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: {
    config: { type: 'string', default: 'full-text,hybrid' },
    out: { type: 'string', default: join(root, 'bench/output/grounding.json') },
    sets: { type: 'string', default: 'original,fresh' },
  },
});
const CONFIGS = values.config.split(',').map((c) => c.trim());
const log = (line: string) => console.error(line);
const INTERNAL_TOKEN = 'bench-grounding';

interface Corpus {
  files: FetchedPdf[];
  pages: Map<string, PdfPage[]>;
  running: Map<string, RunningLines>;
}

/**
 * A question set with its manuals, asked in a class of its own: `original` is the set earlier
 * figures were reported on (and tuned against); `fresh` was written before any run on its manuals.
 */
const SETS: readonly { name: string; specs: readonly DebianPdf[]; questions: URL }[] = [
  { name: 'original', specs: DEBIAN_PDFS, questions: QUESTIONS_PATH },
  { name: 'fresh', specs: FRESH_DEBIAN_PDFS, questions: FRESH_QUESTIONS_PATH },
];

async function loadCorpus(questions: QuestionSet, specs: readonly DebianPdf[]): Promise<Corpus> {
  const files = await fetchDebianPdfs({ specs, log });
  const pages = new Map<string, PdfPage[]>();
  for (const f of files) pages.set(f.spec.id, await readPdfPages(f.bytes));
  const problems = questionProblems(
    questions,
    new Map([...pages].map(([id, ps]) => [id, ps.map((p) => p.text)])),
  );
  if (problems.length > 0)
    throw new Error(`the questions do not match the PDFs:\n  ${problems.join('\n  ')}`);
  const running = new Map<string, RunningLines>();
  for (const f of files) running.set(f.spec.fileName, findRunningLines(pages.get(f.spec.id)!));
  return { files, pages, running };
}

// ------------------------------------------------------------------------------------ one config

interface ConfigRun {
  name: string;
  ingestMs: number;
  chunks: number;
  /** Per question set, in SETS order. */
  results: Map<string, QuestionResult[]>;
}

interface SetSetup {
  name: string;
  corpus: Corpus;
  questions: QuestionSet;
}

interface ConfigSetup {
  repos: Repositories;
  databaseUrl: string;
  dataDir: string;
  corpus: Corpus;
  questions: QuestionSet;
}

/** rag on the bench's database with `env` over offline, silent, unthrottled defaults. */
function startBenchRag(env: Record<string, string>, setup: ConfigSetup) {
  return startRag(
    loadRagConfig({
      NODE_ENV: 'test',
      DATABASE_URL: setup.databaseUrl,
      DATA_DIR: setup.dataDir,
      INTERNAL_TOKEN,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      OFFLINE_TOKEN_DELAY_MS: '0',
      // Ingestion's embedding requests wait for this tokens-per-minute budget; it protects a real
      // API's rate limit, which the fake upstream does not have (813 pages are ~300k tokens).
      OPENAI_TPM_LIMIT: '100000000',
      ...env,
    }),
  );
}

/** A new student with one class holding every manual, each ingested by rag; its chunk count and time. */
async function ingestCorpus(name: string, rag: RagHttp, setup: ConfigSetup, className: string) {
  const { repos, corpus } = setup;
  const user = await repos.users.create({
    email: `bench-${randomUUID()}@example.edu`,
    name: 'Bench',
    passwordHash: 'x',
  });
  const cls = await repos.classes.create(user.id, className);
  const started = performance.now();
  let chunks = 0;
  for (const f of corpus.files) {
    // Stable ids: retrieval breaks score ties by document id, so random ids would let the same
    // code score differently from one run to the next.
    const id = stableUuid(`${name}:${f.spec.id}`);
    await storePdf(repos, join(setup.dataDir, 'files'), {
      id,
      userId: user.id,
      classId: cls.id,
      fileName: f.spec.fileName,
      bytes: f.bytes,
    });
    const ready = await rag.ingest(id, user.id);
    chunks += ready.chunkCount;
  }
  const ingestMs = performance.now() - started;
  log(`${name}: ingested ${corpus.files.length} files, ${chunks} chunks in ${Math.round(ingestMs)} ms`);
  return { userId: user.id, classId: cls.id, ingestMs, chunks };
}

function unanswerableResult(
  q: QuestionSet['unanswerable'][number],
  response: SemanticSearchResponse,
  fileIds: Map<string, string>,
  ms: number,
  corpus: Corpus,
): QuestionResult {
  return {
    id: q.id,
    kind: q.kind,
    answerable: false,
    file: null,
    notCovered: isNotCovered(response),
    coverage: response.coverage ?? null,
    route: response.route,
    cited: response.citations.map((c) => `${fileIds.get(c.fileName) ?? c.fileName}:${c.page}`),
    noise: quoteNoise(response, corpus.running),
    ms,
  };
}

/** Every question asked in the class, each scored as it comes back. */
async function askAll(
  rag: RagHttp,
  scope: { userId: string; classId: string },
  { corpus, questions }: ConfigSetup,
): Promise<QuestionResult[]> {
  const fileIds = new Map(corpus.files.map((f) => [f.spec.fileName, f.spec.id]));
  const body = (q: string): SemanticSearchBody => ({
    user_id: scope.userId,
    class_name: scope.classId,
    user_query: q,
  });
  const results: QuestionResult[] = [];
  for (const q of questions.answerable) {
    const t0 = performance.now();
    const response = await rag.ask(body(q.question));
    results.push(resultOf(q, response, scoreAnswer(q, response, fileIds), performance.now() - t0, corpus));
  }
  for (const q of questions.unanswerable) {
    const t0 = performance.now();
    const response = await rag.ask(body(q.question));
    results.push(unanswerableResult(q, response, fileIds, performance.now() - t0, corpus));
  }
  return results;
}

/** Each question set in a class of its own (the original set first, as before sets existed). */
async function runConfig(
  name: string,
  env: Record<string, string>,
  shared: Omit<ConfigSetup, 'corpus' | 'questions'>,
  sets: readonly SetSetup[],
): Promise<ConfigRun> {
  const running = await startBenchRag(env, { ...shared, ...sets[0]! });
  const rag = ragHttp(running.url, INTERNAL_TOKEN);
  const run: ConfigRun = { name, ingestMs: 0, chunks: 0, results: new Map() };
  try {
    for (const set of sets) {
      const setup = { ...shared, corpus: set.corpus, questions: set.questions };
      const className = set.name === 'original' ? `Manuals (${name})` : `Manuals (${name}, ${set.name})`;
      const { userId, classId, ingestMs, chunks } = await ingestCorpus(name, rag, setup, className);
      if (set.name === 'original') Object.assign(run, { ingestMs, chunks });
      run.results.set(set.name, await askAll(rag, { userId, classId }, setup));
    }
    return run;
  } finally {
    await running.stop();
  }
}

function resultOf(
  q: AnswerableQuestion,
  response: SemanticSearchResponse,
  score: AnswerScore,
  ms: number,
  corpus: Corpus,
): QuestionResult {
  const fileIds = new Map(corpus.files.map((f) => [f.spec.fileName, f.spec.id]));
  return {
    id: q.id,
    kind: q.kind,
    answerable: true,
    file: q.file,
    anyCitation: score.anyCitation,
    firstCitation: score.firstCitation,
    snippet: score.snippet,
    notCovered: score.notCovered,
    coverage: response.coverage ?? null,
    route: response.route,
    expected: q.pages,
    cited: [...response.citations]
      .sort((a, b) => a.n - b.n)
      .map((c) => `${fileIds.get(c.fileName) ?? c.fileName}:${c.page}`),
    noise: quoteNoise(response, corpus.running),
    ms,
  };
}

function baselineResults(corpus: Corpus, questions: QuestionSet): QuestionResult[] {
  const search = buildBm25(
    [...corpus.pages].flatMap(([file, pages]) => pages.map((p) => ({ file, page: p.page, text: p.text }))),
  );
  return questions.answerable.map((q) => {
    const hits = search(q.question, 3);
    const s = scoreBaseline(q, hits);
    return {
      id: q.id,
      kind: q.kind,
      answerable: true,
      file: q.file,
      anyCitation: s.any,
      firstCitation: s.first,
      expected: q.pages,
      cited: hits.map((h) => `${h.file}:${h.page}`),
    };
  });
}

// ------------------------------------------------------------------------------------- report

const pct = (n: number, d: number) => (d === 0 ? '–' : `${Math.round((100 * n) / d)}% (${n}/${d})`);

function printTables(summaries: Summary[], files: string[]): void {
  console.log('\nGrounding — overall (answerable questions; unanswerable ones in the last columns)\n');
  console.log(
    '| configuration | cited page right (any) | first citation right | snippet in answer | unanswerable → not covered | answerable wrongly not covered | noisy quoted sentences |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const s of summaries) {
    const o = s.overall;
    console.log(
      `| ${s.name} | ${pct(o.anyCitation, o.answerable)} | ${pct(o.firstCitation, o.answerable)} | ` +
        `${o.snippet === null ? '–' : pct(o.snippet, o.answerable)} | ` +
        `${o.unanswerable === null ? '–' : pct(o.unanswerableNotCovered!, o.unanswerable)} | ` +
        `${o.wronglyNotCovered === null ? '–' : pct(o.wronglyNotCovered, o.answerable)} | ` +
        `${o.noisySentences === null ? '–' : `${o.noisySentences} of ${o.quotedSentences}`} |`,
    );
  }
  console.log('\nPer file: cited page right (any) / first citation right / snippet in answer\n');
  console.log(`| file | questions | ${summaries.map((s) => s.name).join(' | ')} |`);
  console.log(`| --- | --- | ${summaries.map(() => '---').join(' | ')} |`);
  for (const file of files) {
    const cells = summaries.map((s) => {
      const f = s.byFile[file];
      if (!f) return '–';
      const snippet = f.snippet === null ? '' : ` / ${Math.round((100 * f.snippet) / f.answerable)}%`;
      return `${Math.round((100 * f.anyCitation) / f.answerable)}% / ${Math.round((100 * f.firstCitation) / f.answerable)}%${snippet}`;
    });
    console.log(`| ${file} | ${summaries[0]?.byFile[file]?.answerable ?? 0} | ${cells.join(' | ')} |`);
  }
}

// ---------------------------------------------------------------------------------------- main

const wantedSets = new Set(values.sets.split(',').map((x) => x.trim()));
const sets: SetSetup[] = [];
for (const set of SETS.filter((x) => wantedSets.has(x.name))) {
  const questions = loadQuestions(set.questions);
  sets.push({ name: set.name, questions, corpus: await loadCorpus(questions, set.specs) });
}
const database = await startTestDatabase();
const upstream = await startFakeOpenAI();
const dataDir = mkdtempSync(join(tmpdir(), 'cc-bench-grounding-'));
mkdirSync(join(dataDir, 'files'));
const db = connect(database.url, { max: 2 });
const started = new Date();
try {
  const shared = { repos: createRepositories(db.db), databaseUrl: database.url, dataDir };
  const runs: ConfigRun[] = [];
  if (CONFIGS.includes('full-text')) runs.push(await runConfig('full-text', {}, shared, sets));
  if (CONFIGS.includes('hybrid')) {
    const env = { OPENAI_API_KEY: 'bench', OPENAI_BASE_URL: upstream.url, OPENAI_CHAT_MODEL: '' };
    runs.push(await runConfig('hybrid (fake embeddings)', env, shared, sets));
  }
  const reports = sets.map((set) => setReport(set, runs));
  const headline = reports[0]!;
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  const report = {
    bench: 'grounding',
    startedAt: started.toISOString(),
    set: headline.set,
    ...headline.body,
    configurations: runs.map((r) => ({
      name: r.name,
      ingestMs: Math.round(r.ingestMs),
      chunks: r.chunks,
      medianAnswerMs: median([...r.results.values()].flat().map((x) => x.ms ?? 0)),
    })),
    /** The sets after the first, each reported on its own. */
    sets: Object.fromEntries(reports.slice(1).map((r) => [r.set, r.body])),
  };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  // The original set's line last: readers of earlier runs take the last line as the headline.
  for (const r of [...reports].reverse()) {
    console.log(
      `\n${JSON.stringify({ bench: 'grounding', set: r.set, summaries: r.body.summaries.map((s) => ({ name: s.name, ...s.overall })) })}`,
    );
  }
  log(`report: ${out}`);
} finally {
  await db.close();
  await upstream.close();
  await database.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

/** One question set's tables (printed) and report body: files, questions, summaries, results. */
function setReport(set: SetSetup, runs: readonly ConfigRun[]) {
  const baseline = baselineResults(set.corpus, set.questions);
  const summaries = [
    ...runs.map((r) => summarize(r.name, r.results.get(set.name) ?? [])),
    summarize('bm25 baseline (pages, top 3)', baseline),
  ];
  console.log(`\n## Question set: ${set.name}`);
  printTables(
    summaries,
    set.corpus.files.map((f) => f.spec.id),
  );
  const body = {
    files: set.corpus.files.map((f) => ({
      id: f.spec.id,
      fileName: f.spec.fileName,
      package: f.spec.debianPackage,
      pages: f.spec.pages,
      verified: f.verified,
    })),
    questions: {
      answerable: set.questions.answerable.length,
      unanswerable: set.questions.unanswerable.length,
    },
    summaries,
    results: Object.fromEntries([
      ...runs.map((r) => [r.name, r.results.get(set.name) ?? []] as const),
      ['bm25 baseline (pages, top 3)', baseline] as const,
    ]),
  };
  return { set: set.name, body };
}

/** A UUID (version 4 layout) derived from `seed`. */
function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0);
}
