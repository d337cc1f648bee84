/**
 * One large real manual through the whole product, as a student sends it: the embedded database,
 * the fake OpenAI upstream, rag and the api each in their own process (bench/stream/stack.ts); the
 * PDF uploaded over HTTP (`POST /api/v1/documents`), ingested by rag (its parse worker thread,
 * embeddings from the fake upstream in the hybrid configuration), its progress followed on the
 * student's socket; then questions asked through `POST /api/v1/chat/new` (SSE), answered offline
 * (extractive, so the cited pages come from retrieval and can be checked against the PDF).
 *
 *   npm run large-upload -w bench -- [--file octave] [--config hybrid|full-text] [--out bench/output/large-upload]
 *
 * Reports the upload's and each stage's wall time, pages/s, the peak RSS of every process (VmHWM;
 * rag's includes its parse worker thread), the progress the student saw over time and its longest
 * silence, and per question the first-token and total time, rag's retrieval time and the cited pages.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import {
  ChatSseEvent,
  decodeSse,
  type AuthResponse,
  type ClassDto,
  type ProcessingStatusPayload,
  type UploadResponse,
} from '@classchat/contracts';
import { fetchDebianPdfs, LARGE_DEBIAN_PDFS } from '../corpus/debian-docs.js';
import { repoRoot } from '../stream/procs.js';
import { loopLogPath, startStack, type Stack } from '../stream/stack.js';

const { values } = parseArgs({
  options: {
    file: { type: 'string', default: 'octave' },
    config: { type: 'string', default: 'hybrid' },
    out: { type: 'string', default: join(repoRoot, 'bench/output/large-upload') },
  },
});
const log = (line: string) => console.error(line);
const spec = LARGE_DEBIAN_PDFS.find((s) => s.id === values.file);
if (!spec) throw new Error(`--file: one of ${LARGE_DEBIAN_PDFS.map((s) => s.id).join(', ')}`);
if (values.config !== 'hybrid' && values.config !== 'full-text')
  throw new Error('--config: hybrid or full-text');

/** Questions a student of the manual might ask, each with the physical pages that answer it. */
const QUESTIONS: Record<string, Array<{ question: string; pages: number[] }>> = {
  octave: [
    { question: 'What does unwind_protect guarantee about the cleanup code?', pages: [204] },
    { question: 'How do I install a package from a tar.gz file?', pages: [1013] },
    { question: 'Which ODE solver uses the Dormand-Prince method?', pages: [746, 747] },
    {
      question: 'How do I find the minimum of a function of one variable on an interval?',
      pages: [661, 662],
    },
    { question: 'What is broadcasting and what rule must array dimensions follow?', pages: [643, 644] },
    { question: 'How can a function take a variable number of input arguments?', pages: [215, 216] },
  ],
};

// ------------------------------------------------------------------------------ process memory

interface MemoryTrace {
  /** Peak resident set size (kB) of each process, from the kernel's high-water mark. */
  peaks(): Record<string, number>;
  /** RSS (kB) of each process over time, every `everyMs`. */
  samples: Array<{ t: number; rss: Record<string, number> }>;
  stop(): void;
}

const statusField = (pid: number, field: string): number => {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // the process has exited
  }
};

function traceMemory(pids: Record<string, number>, everyMs: number): MemoryTrace {
  const samples: MemoryTrace['samples'] = [];
  const timer = setInterval(() => {
    const rss = Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => [name, statusField(pid, 'VmRSS')]),
    );
    samples.push({ t: performance.now(), rss });
  }, everyMs);
  return {
    samples,
    peaks: () =>
      Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, statusField(pid, 'VmHWM')])),
    stop: () => clearInterval(timer),
  };
}

// ------------------------------------------------------------------------------ the student

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function signup(apiUrl: string) {
  const body = await json<AuthResponse>(
    await fetch(`${apiUrl}/api/v1/user/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Large',
        email: `large-${Date.now()}@example.edu`,
        password: 'correct horse battery',
      }),
    }),
  );
  const auth = { authorization: `Bearer ${body.token}` };
  const cls = await json<ClassDto>(
    await fetch(`${apiUrl}/api/v1/classes`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Numerical computing' }),
    }),
  );
  return { token: body.token, auth, classId: cls.id };
}

interface StatusEvent extends ProcessingStatusPayload {
  /** ms since the upload was sent. */
  at: number;
}

/** Uploads the file and follows its processing on the socket until it is ready or failed. */
async function uploadAndFollow(
  apiUrl: string,
  user: Awaited<ReturnType<typeof signup>>,
  file: { name: string; bytes: Uint8Array },
) {
  const socket = io(apiUrl, { auth: { token: user.token }, transports: ['websocket'], forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const events: StatusEvent[] = [];
  const t0 = performance.now();
  const finished = new Promise<StatusEvent>((resolve) => {
    socket.on('processing-status', (payload: ProcessingStatusPayload) => {
      const event = { ...payload, at: performance.now() - t0 };
      events.push(event);
      if (payload.status === 'ready' || payload.status === 'failed') resolve(event);
    });
  });
  const form = new FormData();
  form.append('classId', user.classId);
  form.append('file', new Blob([new Uint8Array(file.bytes)]), file.name);
  const accepted = await json<UploadResponse>(
    await fetch(`${apiUrl}/api/v1/documents`, { method: 'POST', headers: user.auth, body: form }),
  );
  const uploadMs = performance.now() - t0;
  const end = await finished;
  socket.disconnect();
  return { documentId: accepted.document.id, uploadMs, events, end, t0 };
}

/** The longest stretches without a change of the student's progress bar. */
function silences(events: readonly StatusEvent[], uploadMs: number) {
  const gaps: Array<{ from: number; ms: number; stage: string; progress: number }> = [];
  let prev = { at: uploadMs, stage: 'uploaded', progress: 0 };
  for (const e of events) {
    gaps.push({
      from: Math.round(prev.at),
      ms: Math.round(e.at - prev.at),
      stage: prev.stage,
      progress: prev.progress,
    });
    prev = e;
  }
  return gaps.sort((a, b) => b.ms - a.ms).slice(0, 5);
}

/** The progress bar at a few moments: stage and fraction at each second mark where it changed stage. */
function stageSpans(events: readonly StatusEvent[]) {
  const spans = new Map<string, { first: number; last: number; from: number; to: number; events: number }>();
  for (const e of events) {
    const s = spans.get(e.stage);
    if (!s) spans.set(e.stage, { first: e.at, last: e.at, from: e.progress, to: e.progress, events: 1 });
    else Object.assign(s, { last: e.at, to: e.progress, events: s.events + 1 });
  }
  return [...spans].map(([stage, s]) => ({
    stage,
    firstMs: Math.round(s.first),
    lastMs: Math.round(s.last),
    from: s.from,
    to: s.to,
    events: s.events,
  }));
}

// ------------------------------------------------------------------------------ questions

interface Asked {
  question: string;
  expected: number[];
  firstTokenMs: number;
  totalMs: number;
  cited: number[];
  hit: boolean;
  coverage: string | null;
  answer: string;
}

async function ask(apiUrl: string, user: Awaited<ReturnType<typeof signup>>, question: string) {
  const t0 = performance.now();
  const res = await fetch(`${apiUrl}/api/v1/chat/new`, {
    method: 'POST',
    headers: { ...user.auth, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ message: question, classId: user.classId }),
  });
  if (!res.ok || !res.body) throw new Error(`chat/new: ${res.status} ${await res.text()}`);
  let firstTokenMs = NaN;
  for await (const event of decodeSse(res.body, ChatSseEvent)) {
    if (event.type === 'chat-stream-token' && Number.isNaN(firstTokenMs))
      firstTokenMs = performance.now() - t0;
    if (event.type === 'chat-stream-error') throw new Error(`answer failed: ${event.error}`);
    if (event.type === 'chat-stream-complete') {
      return { firstTokenMs, totalMs: performance.now() - t0, complete: event };
    }
  }
  throw new Error('the answer ended without chat-stream-complete');
}

/** rag's `stream_first_token` stages (ms since rag got the request), one per answer, in order. */
function ragStages(logPath: string): Array<Record<string, number>> {
  return readFileSync(logPath, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"stream_first_token"'))
    .map((line) => (JSON.parse(line) as { stages?: Record<string, number> }).stages ?? {});
}

/** rag's `ingest completed` log line: its stage timings. */
function ragIngestTimings(logPath: string): Record<string, number> | null {
  const line = readFileSync(logPath, 'utf8')
    .split('\n')
    .find((l) => l.includes('"ingest completed"'));
  if (!line) return null;
  const { timings, ms } = JSON.parse(line) as { timings: Record<string, number>; ms: number };
  return Object.fromEntries(Object.entries({ ...timings, total: ms }).map(([k, v]) => [k, Math.round(v)]));
}

/**
 * The longest event-loop stalls of a process between two epoch times (`loop-monitor.ts`): while
 * rag's loop is stuck, no other student's answer moves. `runMs` is the time the thread ran on a
 * core during the stall (the rest it waited for one).
 */
function longestStalls(path: string, from: number, to: number) {
  const stalls = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"kind":"stall"'))
    .map((line) => JSON.parse(line) as { t0: number; t1: number; runMs: number })
    .filter((s) => s.t0 >= from && s.t1 <= to);
  return {
    over100ms: stalls.filter((s) => s.t1 - s.t0 >= 100).length,
    longest: stalls
      .sort((a, b) => b.t1 - b.t0 - (a.t1 - a.t0))
      .slice(0, 3)
      .map((s) => ({
        atMs: Math.round(s.t0 - from),
        ms: Math.round(s.t1 - s.t0),
        runMs: Math.round(s.runMs),
      })),
  };
}

// ------------------------------------------------------------------------------ run

const [pdf] = await fetchDebianPdfs({ specs: [spec], log });
const dataDir = mkdtempSync(join(tmpdir(), 'cc-bench-large-'));
const outDir = join(values.out, `${spec.id}-${values.config}`);
mkdirSync(outDir, { recursive: true });
const offline = { OPENAI_CHAT_MODEL: '', OFFLINE_TOKEN_DELAY_MS: '0' };
let stack: Stack | null = null;
try {
  stack = await startStack({
    pairs: 1,
    redis: false,
    dataDir,
    outDir,
    upstream: { firstTokenDelayMs: 0, tokenDelayMs: 0, answerTokens: 20 },
    upstreamRecords: 100,
    loops: true,
    ragEnv: values.config === 'hybrid' ? offline : { ...offline, OPENAI_EMBEDDING_MODEL: '' },
  });
  const apiUrl = stack.apis[0]!.ready[1]!;
  const pids = {
    api: stack.apis[0]!.pid,
    rag: stack.rags[0]!.pid,
    db: stack.db.pid,
    upstream: stack.fake.pid,
  };
  const idle = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, statusField(pid, 'VmRSS')]));
  const memory = traceMemory(pids, 250);
  const user = await signup(apiUrl);
  const cpuBefore = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, cpuSeconds(pid)]));
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  log(`uploading ${spec.fileName} (${pdf!.bytes.length} bytes, ${spec.pages} pages), load ${load}`);
  const ingestFrom = performance.timeOrigin + performance.now();
  const upload = await uploadAndFollow(apiUrl, user, { name: spec.fileName, bytes: pdf!.bytes });
  const ingestTo = performance.timeOrigin + performance.now();
  const cpu = Object.fromEntries(
    Object.entries(pids).map(([n, pid]) => [n, Math.round((cpuSeconds(pid) - cpuBefore[n]!) * 10) / 10]),
  );
  const ingestPeaks = memory.peaks();
  log(`${upload.end.status} after ${Math.round(upload.end.at)} ms`);

  const asked: Asked[] = [];
  const stagesBefore = ragStages(join(outDir, 'rag-1.log')).length;
  if (upload.end.status === 'ready') {
    for (const q of QUESTIONS[spec.id] ?? []) {
      const { firstTokenMs, totalMs, complete } = await ask(apiUrl, user, q.question);
      const cited = [...new Set(complete.citations.map((c) => c.page))];
      asked.push({
        question: q.question,
        expected: q.pages,
        firstTokenMs: Math.round(firstTokenMs),
        totalMs: Math.round(totalMs),
        cited,
        hit: cited.some((p) => q.pages.includes(p)),
        coverage: complete.coverage ?? null,
        answer: complete.content.slice(0, 400),
      });
    }
  }
  memory.stop();
  // The loop monitor writes once a second.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const stalls = longestStalls(loopLogPath(outDir, 'rag-1'), ingestFrom, ingestTo);
  const stages = ragStages(join(outDir, 'rag-1.log')).slice(stagesBefore);
  const report = {
    bench: 'large-upload',
    file: spec.fileName,
    pages: spec.pages,
    bytes: pdf!.bytes.length,
    config: values.config,
    load,
    status: upload.end.status,
    error: upload.end.error,
    uploadMs: Math.round(upload.uploadMs),
    readyMs: Math.round(upload.end.at),
    pagesPerSecond: Math.round((spec.pages / upload.end.at) * 1000 * 10) / 10,
    ragTimings: ragIngestTimings(join(outDir, 'rag-1.log')),
    cpuSeconds: cpu,
    idleRssKb: idle,
    peakRssKbDuringIngest: ingestPeaks,
    peakRssKb: memory.peaks(),
    progress: stageSpans(upload.events),
    progressEvents: upload.events.length,
    ragLoopStallsDuringIngest: stalls,
    longestSilences: silences(upload.events, upload.uploadMs),
    questions: asked.map((a, i) => ({ ...a, ragStages: stages[i] ?? null })),
  };
  writeFileSync(
    join(outDir, 'report.json'),
    `${JSON.stringify({ ...report, events: upload.events, rss: memory.samples }, null, 1)}\n`,
  );
  print(report);
} finally {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return 0;
  }
}

function print(
  report: Record<string, unknown> & { questions: unknown[]; progress: unknown[]; longestSilences: unknown[] },
) {
  const { questions, progress, longestSilences, ...rest } = report;
  console.log(JSON.stringify(rest, null, 1));
  console.log('\n| stage | first ms | last ms | progress | events |\n| --- | --- | --- | --- | --- |');
  for (const s of progress as Array<Record<string, number | string>>) {
    console.log(`| ${s.stage} | ${s.firstMs} | ${s.lastMs} | ${s.from} → ${s.to} | ${s.events} |`);
  }
  console.log(`\nlongest silences of the progress bar: ${JSON.stringify(longestSilences)}`);
  console.log(
    '\n| question | expected | cited | hit | first token ms | total ms | rag stages |\n| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const q of questions as Array<Asked & { ragStages: unknown }>) {
    console.log(
      `| ${q.question} | ${q.expected.join(',')} | ${q.cited.join(',')} | ${q.hit ? 'yes' : 'no'} | ${q.firstTokenMs} | ${q.totalMs} | ${JSON.stringify(q.ragStages)} |`,
    );
  }
}
