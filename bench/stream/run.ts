/**
 * Stream relay benchmark (SPEC §9): added time to first token and per-token relay latency through
 * the real api (Socket.IO relay) and rag, at 1, 50, 200 and 500 concurrent streams, against
 * (a) the fake upstream consumed directly with the openai SDK and (b) the pre-streaming flow
 * (ENABLE_STREAMING=false, then simulated typing at 2 ms/char). api and rag CPU and memory come
 * from /proc. Prints a table and appends it to bench/RESULTS.md.
 *
 *   node --conditions=@classchat/source --import tsx bench/stream/run.ts [--quick]
 *
 * Processes: the embedded database, the fake OpenAI upstream, rag, the api (and a second api with
 * ENABLE_STREAMING=false) each run as a child process; this process is the users (Socket.IO
 * clients) and the openai SDK baseline. Clocks: the fake records emit times with its own
 * `performance.now()` and reports its `timeOrigin`; clients use theirs; both are converted to
 * epoch milliseconds.
 */
import { randomUUID } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import OpenAI from 'openai';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@classchat/contracts';
import { syntheticTokens } from '@classchat/testkit';
import { cpuSeconds, repoRoot, rssMb, startService, systemCpuSeconds, type Service } from './procs.js';
import { seedUsers, type BenchUser } from './seed.js';
import { JWT_SECRET, sharedEnv } from './stack.js';
import { fmt, summarize, type Summary } from './stats.js';
import { controlUpstream, markedQuestion, relayLatencies, upstreamRecords } from './upstream-records.js';

// ------------------------------------------------------------------ settings

const QUICK = process.argv.includes('--quick');
/** `--profile`: CPU profiles of api and rag (written to bench/output/stream/prof when they exit). */
const PROFILE = process.argv.includes('--profile');
const FIRST_TOKEN_DELAY_MS = 400;
const TOKEN_DELAY_MS = 20; // 50 tokens/s
const ANSWER_TOKENS = 200;
const LONG_ANSWER_TOKENS = 400;
const tiersArg = process.argv.find((a) => a.startsWith('--tiers='));
/** `--tiers=1,200`: only these concurrency levels (an experiment: not recorded in RESULTS.md). */
const TIERS = tiersArg
  ? tiersArg.slice('--tiers='.length).split(',').map(Number)
  : QUICK
    ? [1, 50]
    : [1, 50, 200, 500];
const wavesArg = process.argv.find((a) => a.startsWith('--waves='));
/** `--waves=N`: each client runs N streams back to back in every tier (an experiment). */
const WAVES = wavesArg ? Number(wavesArg.slice('--waves='.length)) : null;
/** `--full-text-only`: rag without embeddings (an experiment: not recorded in RESULTS.md). */
const FULL_TEXT_ONLY = process.argv.includes('--full-text-only');
const EXPERIMENT = QUICK || Boolean(tiersArg) || FULL_TEXT_ONLY || WAVES !== null;
/** Streams each client runs back to back in a tier (the single-stream tier needs samples). */
const STREAMS_PER_CLIENT: Record<number, number> = QUICK ? { 1: 4, 50: 1 } : { 1: 12, 50: 2, 200: 2, 500: 5 };
const SDK_STREAMS_PER_CLIENT: Record<number, number> = QUICK
  ? { 1: 3, 50: 1 }
  : { 1: 6, 50: 1, 200: 1, 500: 2 };
const COMPARISON_RUNS = QUICK ? 1 : 3;
const USERS = Math.max(...TIERS);
const streamMs = FIRST_TOKEN_DELAY_MS + ANSWER_TOKENS * TOKEN_DELAY_MS;

const outDir = join(repoRoot, 'bench/output/stream');
mkdirSync(outDir, { recursive: true });
const dataDir = mkdtempSync(join(tmpdir(), 'cc-bench-stream-'));
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

// ------------------------------------------------------------------ processes

const services: Service[] = [];
function profileArgs(name: string): string[] {
  // One directory per service: the tsx loader's worker thread writes a profile of its own there too.
  return PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${join(outDir, 'prof', name)}`] : [];
}
const stopAll = async () => {
  for (const s of services.reverse()) await s.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
};
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));

const db = await startService({
  name: 'db',
  entry: 'packages/db/src/embedded/main.ts',
  env: { DATA_DIR: dataDir },
  ready: /"url":"(postgres:\/\/[^"]+)"/,
  logPath: join(outDir, 'db.log'),
});
services.push(db);
const databaseUrl = db.ready[1]!;

const fake = await startService({
  name: 'fake-upstream',
  entry: 'packages/testkit/src/fake-openai-main.ts',
  env: {
    PORT: '0',
    FAKE_FIRST_TOKEN_DELAY_MS: String(FIRST_TOKEN_DELAY_MS),
    FAKE_TOKEN_DELAY_MS: String(TOKEN_DELAY_MS),
    FAKE_REPLY_TOKENS: String(ANSWER_TOKENS),
    FAKE_MAX_RECORDED: '20000',
  },
  ready: /"url":"(http:\/\/[^"]+)"/,
  logPath: join(outDir, 'fake-upstream.log'),
});
services.push(fake);
const upstreamUrl = fake.ready[1]!;
const upstreamOrigin = upstreamUrl.replace(/\/v1$/, '');

const shared = sharedEnv(databaseUrl, dataDir, null);
const rag = await startService({
  name: 'rag',
  entry: 'apps/rag/src/main.ts',
  env: {
    ...shared,
    OPENAI_API_KEY: 'bench-key',
    OPENAI_BASE_URL: upstreamUrl,
    // The fake has no token budget; ours must not be what limits 500 streams.
    OPENAI_TPM_LIMIT: '1000000000',
    ...(FULL_TEXT_ONLY ? { OPENAI_EMBEDDING_MODEL: '' } : {}),
  },
  ready: /"url":"(http:\/\/[^"]+)".*"msg":"rag listening"/,
  logPath: join(outDir, 'rag.log'),
  nodeArgs: profileArgs('rag'),
});
services.push(rag);
// The api serves /metrics only to a scraper with the token (its port is the public one).
const METRICS_TOKEN = 'bench-metrics-token';
const apiEnv = { ...shared, JWT_SECRET, RAG_URL: rag.ready[1]!, COOKIE_SECURE: 'false', METRICS_TOKEN };
/** An api process (its log `${name}.log`), answering over Socket.IO when `streaming`, else blocking. */
const startApiService = (name: string, streaming: boolean, nodeArgs: string[] = []) =>
  startService({
    name,
    entry: 'apps/api/src/main.ts',
    env: { ...apiEnv, ENABLE_STREAMING: String(streaming) },
    ready: /"url":"(http:\/\/[^"]+)".*"msg":"api listening"/,
    logPath: join(outDir, `${name}.log`),
    nodeArgs,
  });
const api = await startApiService('api', true, profileArgs('api'));
services.push(api);
const blockingApi = await startApiService('api-blocking', false);
services.push(blockingApi);
const apiUrl = api.ready[1]!;
log(`services up: api ${apiUrl}, rag ${rag.ready[1]}, upstream ${upstreamUrl}`);

// ------------------------------------------------------------------ users, documents, sockets

const seedStarted = performance.now();
const users = await seedUsers(databaseUrl, JWT_SECRET, USERS);
log(
  `seeded ${USERS} premium users with a 5-chunk document each in ${fmt((performance.now() - seedStarted) / 1000)} s`,
);

/** Where each stream's client-side timings go (token events looked up by streamId). */
interface ClientStream {
  streamId: string;
  requestId: string | null;
  postAt: number;
  acceptedAt: number;
  firstTokenAt: number;
  tokenAt: number[];
  /** Characters of answer received up to and including each token event. */
  tokenEnds: number[];
  endAt: number;
  error: string | null;
  done: () => void;
}
const live = new Map<string, ClientStream>();
/** Socket disconnects seen by the clients, by reason. */
const disconnects = new Map<string, number>();

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
const sockets: ClientSocket[] = [];
for (let i = 0; i < USERS; i += 50) {
  const batch = users.slice(i, i + 50).map(
    (user) =>
      new Promise<ClientSocket>((resolve, reject) => {
        const socket: ClientSocket = io(apiUrl, {
          auth: { token: user.token },
          transports: ['websocket'],
          forceNew: true,
          // Like a browser: a dropped connection comes back (and recovers its state).
          reconnectionDelay: 100,
          reconnectionDelayMax: 1000,
        });
        socket.on('disconnect', (reason) => {
          if (reason !== 'io client disconnect') disconnects.set(reason, (disconnects.get(reason) ?? 0) + 1);
        });
        socket.on('chat-stream-token', (e) => {
          const s = live.get(e.streamId);
          if (s) recordToken(s, e.token);
        });
        socket.on('chat-stream-complete', (e) => {
          const s = live.get(e.streamId);
          if (!s) return;
          s.endAt = performance.now();
          s.done();
        });
        socket.on('chat-stream-error', (e) => {
          const s = live.get(e.streamId);
          if (!s) return;
          s.endAt = performance.now();
          s.error = `${e.code}: ${e.error}`;
          s.done();
        });
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', reject);
      }),
  );
  sockets.push(...(await Promise.all(batch)));
}
log(`${sockets.length} Socket.IO clients connected`);

// ------------------------------------------------------------------ the fake upstream's records

const control = (name: string, body: unknown = {}) => controlUpstream(upstreamOrigin, name, body);

// ------------------------------------------------------------------ measurement helpers

interface PhaseResult {
  label: string;
  concurrency: number;
  streams: number;
  failed: number;
  /** Client POST → first token, minus the upstream's own request → first token. */
  addedTtft: Summary;
  /** POST → 202 (socket path). */
  accept: Summary;
  /** Each model token's upstream write → the client event that completed its text. */
  relay: Summary;
  tokensMatched: number;
  /** Model tokens that reached the clients (the relay may deliver several in one event). */
  tokens: number;
  wallS: number;
  apiCores: number;
  ragCores: number;
  dbCores: number;
  /** The fake upstream's and this process's (the users' clients, the SDK baseline) share of the machine. */
  upstreamCores: number;
  clientCores: number;
  apiSystemShare: number;
  ragSystemShare: number;
  apiRssMb: { start: number; peak: number; end: number };
  apiRssSeries: number[];
  ragRssMb: { start: number; peak: number; end: number };
  clientLagP99Ms: number;
  apiLag: { p99: number; max: number };
  ragLag: { p99: number; max: number };
  errors: string[];
  /** Per stream, for the log-based breakdown of the added TTFT. */
  samples: Array<{ requestId: string; ttft: number; upstreamOwn: number }>;
}

/** This process's CPU seconds (user + system). */
function processCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function resources() {
  return {
    at: performance.now(),
    api: cpuSeconds(api.pid),
    rag: cpuSeconds(rag.pid),
    apiSys: systemCpuSeconds(api.pid),
    ragSys: systemCpuSeconds(rag.pid),
    db: cpuSeconds(db.pid),
    upstream: cpuSeconds(fake.pid),
    clients: processCpuSeconds(),
    apiRss: rssMb(api.pid),
    ragRss: rssMb(rag.pid),
  };
}

/** p99 and max event-loop delay (ms) of a service since its /metrics was last read (prom-client resets it). */
async function loopLag(baseUrl: string): Promise<{ p99: number; max: number }> {
  const headers = { authorization: `Bearer ${METRICS_TOKEN}` };
  const text = await (await fetch(`${baseUrl}/metrics`, { headers })).text();
  const read = (name: string) =>
    Number(new RegExp(`^${name} ([0-9.e+-]+)`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { p99: read('nodejs_eventloop_lag_p99_seconds'), max: read('nodejs_eventloop_lag_max_seconds') };
}

/** Runs `body` while sampling RSS; returns CPU (cores) and memory for api and rag. */
async function measured<T>(body: () => Promise<T>) {
  await loopLag(apiUrl);
  await loopLag(rag.ready[1]!);
  const start = resources();
  const apiRss = [start.apiRss];
  const ragRss = [start.ragRss];
  const sampler = setInterval(() => {
    apiRss.push(rssMb(api.pid));
    ragRss.push(rssMb(rag.pid));
  }, 250);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let value: T;
  try {
    value = await body();
  } finally {
    clearInterval(sampler);
    lag.disable();
  }
  const end = resources();
  const apiLag = await loopLag(apiUrl);
  const ragLag = await loopLag(rag.ready[1]!);
  apiRss.push(end.apiRss);
  ragRss.push(end.ragRss);
  const wallS = (end.at - start.at) / 1000;
  return {
    value,
    wallS,
    apiCores: (end.api - start.api) / wallS,
    ragCores: (end.rag - start.rag) / wallS,
    dbCores: (end.db - start.db) / wallS,
    upstreamCores: (end.upstream - start.upstream) / wallS,
    clientCores: (end.clients - start.clients) / wallS,
    /** Share of api / rag CPU spent in the kernel (socket reads and writes, mostly). */
    apiSystemShare: (end.apiSys - start.apiSys) / Math.max(1e-9, end.api - start.api),
    ragSystemShare: (end.ragSys - start.ragSys) / Math.max(1e-9, end.rag - start.rag),
    apiRssMb: { start: start.apiRss, peak: Math.max(...apiRss), end: end.apiRss },
    /** api RSS at 0, 25, 50, 75 and 100 % of the phase. */
    apiRssSeries: [0, 0.25, 0.5, 0.75, 1].map(
      (q) => apiRss[Math.min(apiRss.length - 1, Math.round(q * (apiRss.length - 1)))]!,
    ),
    ragRssMb: { start: start.ragRss, peak: Math.max(...ragRss), end: end.ragRss },
    clientLagP99Ms: lag.percentile(99) / 1e6,
    apiLag,
    ragLag,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One chat through the api, timed at the client: POST → 202 → tokens → complete/error. */
async function oneStream(user: BenchUser, results: ClientStream[]): Promise<void> {
  const streamId = randomUUID();
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const s = newClientStream(streamId, done);
  live.set(streamId, s);
  results.push(s);
  try {
    const res = await fetch(`${apiUrl}/api/v1/chat/new`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({
        message: markedQuestion(streamId),
        classId: user.classId,
        streamId,
      }),
    });
    s.acceptedAt = performance.now();
    s.requestId = res.headers.get('x-request-id');
    if (res.status !== 202) {
      s.error = `HTTP ${res.status}: ${await res.text()}`;
      return;
    }
    await res.arrayBuffer();
    const timeout = sleep(streamMs * 10 + 30_000).then(() => {
      s.error ??= 'client timeout';
    });
    await Promise.race([finished, timeout]);
  } catch (err) {
    s.error = String(err);
  } finally {
    live.delete(streamId);
  }
}

/** `clients` users each run `perClient` streams back to back; starts spread over one stream's length. */
async function runClients(
  clients: number,
  perClient: number,
  one: (user: BenchUser, i: number) => Promise<void>,
): Promise<void> {
  await Promise.all(
    users.slice(0, clients).map(async (user, i) => {
      if (clients > 1) await sleep((i / clients) * streamMs);
      for (let k = 0; k < perClient; k++) await one(user, i);
    }),
  );
}

async function relayPhase(concurrency: number, perClient: number): Promise<PhaseResult> {
  await control('reset');
  const results: ClientStream[] = [];
  const m = await measured(() => runClients(concurrency, perClient, (user) => oneStream(user, results)));
  return phaseResult('api relay (Socket.IO)', concurrency, results, m);
}

const openai = new OpenAI({ baseURL: upstreamUrl, apiKey: 'bench-key', maxRetries: 0 });

async function sdkPhase(concurrency: number, perClient: number): Promise<PhaseResult> {
  await control('reset');
  const results: ClientStream[] = [];
  const one = async () => {
    const marker = randomUUID();
    const s = newClientStream(marker);
    results.push(s);
    try {
      const stream = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: markedQuestion(marker) }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream) {
        const text = chunk.choices[0]?.delta?.content;
        if (text) recordToken(s, text);
      }
      s.endAt = performance.now();
    } catch (err) {
      s.error = String(err);
    }
  };
  const m = await measured(() => runClients(concurrency, perClient, one));
  return phaseResult('(a) openai SDK direct', concurrency, results, m);
}

/** A stream's client-side record, started now. */
function newClientStream(streamId: string, done: () => void = () => {}): ClientStream {
  return {
    streamId,
    requestId: null,
    postAt: performance.now(),
    acceptedAt: Number.NaN,
    firstTokenAt: Number.NaN,
    tokenAt: [],
    tokenEnds: [],
    endAt: Number.NaN,
    error: null,
    done,
  };
}

/** A client-side token event: when it came, and how much of the answer had arrived with it. */
function recordToken(s: ClientStream, text: string): void {
  const at = performance.now();
  if (s.tokenAt.length === 0) s.firstTokenAt = at;
  s.tokenAt.push(at);
  s.tokenEnds.push((s.tokenEnds.at(-1) ?? 0) + text.length);
}

/** A phase's figures: each stream's timings against the upstream's records, and the resources used. */
async function phaseResult(
  label: string,
  concurrency: number,
  results: ClientStream[],
  measuredPhase: Awaited<ReturnType<typeof measured>>,
): Promise<PhaseResult> {
  const { value: _value, ...used } = measuredPhase;
  const { timeOrigin, forStream } = await upstreamRecords(upstreamOrigin);
  const added: number[] = [];
  const accept: number[] = [];
  const relay: number[] = [];
  const errors = new Map<string, number>();
  const samples: PhaseResult['samples'] = [];
  let matched = 0;
  for (const s of results) {
    if (s.error) {
      errors.set(s.error.slice(0, 120), (errors.get(s.error.slice(0, 120)) ?? 0) + 1);
      continue;
    }
    // NaN on the SDK path, which has no 202.
    if (Number.isFinite(s.acceptedAt)) accept.push(s.acceptedAt - s.postAt);
    const rec = forStream(s.streamId);
    if (!rec || rec.firstTokenAt === null) continue;
    const upstreamOwn = rec.firstTokenAt - rec.startedAt;
    added.push(s.firstTokenAt - s.postAt - upstreamOwn);
    if (s.requestId) samples.push({ requestId: s.requestId, ttft: s.firstTokenAt - s.postAt, upstreamOwn });
    relay.push(...relayLatencies(s, rec, timeOrigin));
    if (s.tokenEnds.at(-1) === rec.tokensSent.join('').length) matched++;
  }
  return {
    label,
    concurrency,
    streams: results.length,
    failed: results.filter((s) => s.error).length,
    addedTtft: summarize(added),
    accept: summarize(accept),
    relay: summarize(relay),
    tokensMatched: matched,
    tokens: relay.length,
    ...used,
    errors: [...errors].map(([e, n]) => `${n}× ${e}`),
    samples,
  };
}

/** First visible text for a 400-token answer: streaming (first token) vs blocking + simulated typing. */
async function firstVisibleComparison() {
  await control('reset');
  await control('default', {
    firstTokenDelayMs: FIRST_TOKEN_DELAY_MS,
    tokenDelayMs: TOKEN_DELAY_MS,
    tokens: syntheticTokens(LONG_ANSWER_TOKENS),
  });
  const streaming: number[] = [];
  const streamingDone: number[] = [];
  const comparisonErrors: string[] = [];
  for (let i = 0; i < COMPARISON_RUNS; i++) {
    const results: ClientStream[] = [];
    await oneStream(users[i % users.length]!, results);
    const s = results[0]!;
    if (s.error) {
      comparisonErrors.push(`streaming: ${s.error}`);
      continue;
    }
    streaming.push(s.firstTokenAt - s.postAt);
    streamingDone.push(s.endAt - s.postAt);
  }
  const blocking: number[] = [];
  const blockingAllText: number[] = [];
  for (let i = 0; i < COMPARISON_RUNS; i++) {
    const user = users[i % users.length]!;
    const t0 = performance.now();
    const res = await fetch(`${blockingApi.ready[1]}/api/v1/chat/new`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ message: markedQuestion(randomUUID()), classId: user.classId }),
    });
    const body = (await res.json()) as { messages?: Array<{ content: string }> };
    const t = performance.now() - t0;
    if (res.status !== 200) {
      comparisonErrors.push(`blocking: HTTP ${res.status} ${JSON.stringify(body).slice(0, 120)}`);
      continue;
    }
    const chars = body.messages?.at(-1)?.content.length ?? 0;
    // The pre-streaming client typed the finished answer at one character per 2 ms.
    blocking.push(t + 2);
    blockingAllText.push(t + 2 * chars);
  }
  await control('reset');
  const median = (xs: number[]) => summarize(xs).p50;
  return {
    streamingFirstMs: median(streaming),
    streamingAllMs: median(streamingDone),
    blockingFirstMs: median(blocking),
    blockingAllMs: median(blockingAllText),
    ratio: median(blocking) / median(streaming),
    errors: comparisonErrors,
  };
}

interface LogLine {
  time: number;
  msg?: string;
  reqId?: string;
  latencyMs?: number;
  responseTime?: number;
  req?: { id?: string; url?: string };
}

function readLog(path: string): LogLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

/**
 * Where the added time to first token goes, from the api's and rag's logs (ms, medians): api before
 * it calls rag (auth, quota, session + message writes); rag before the model's first token (route,
 * retrieval, query embedding, prompt — the upstream's own delay taken out); the first token's way
 * back rag → api; api → client.
 */
function breakdown(samples: PhaseResult['samples']) {
  const apiLog = readLog(api.logPath);
  const ragLog = readLog(rag.logPath);
  const apiArrival = new Map<string, number>();
  const apiFirst = new Map<string, number>();
  const ragArrival = new Map<string, number>();
  const ragFirst = new Map<string, number>();
  for (const l of apiLog) {
    if (l.msg === 'request completed' && l.req?.url === '/api/v1/chat/new' && l.req.id)
      apiArrival.set(l.req.id, l.time - (l.responseTime ?? 0));
    if (l.msg === 'stream first token' && l.reqId) apiFirst.set(l.reqId, l.time);
  }
  for (const l of ragLog) {
    if (l.msg === 'request completed' && l.req?.id) ragArrival.set(l.req.id, l.time - (l.responseTime ?? 0));
    if (l.msg === 'first token' && l.req?.id) ragFirst.set(l.req.id, l.time);
  }
  const parts = {
    apiBeforeRag: [] as number[],
    ragBeforeModel: [] as number[],
    ragToApi: [] as number[],
    apiToClient: [] as number[],
  };
  for (const s of samples) {
    const a0 = apiArrival.get(s.requestId);
    const r0 = ragArrival.get(s.requestId);
    const r1 = ragFirst.get(s.requestId);
    const a1 = apiFirst.get(s.requestId);
    if (a0 === undefined || r0 === undefined || r1 === undefined || a1 === undefined) continue;
    parts.apiBeforeRag.push(r0 - a0);
    parts.ragBeforeModel.push(r1 - r0 - s.upstreamOwn);
    parts.ragToApi.push(a1 - r1);
    parts.apiToClient.push(s.ttft - (a1 - a0));
  }
  const med = (xs: number[]) => summarize(xs).p50;
  return {
    n: parts.apiBeforeRag.length,
    apiBeforeRag: med(parts.apiBeforeRag),
    ragBeforeModel: med(parts.ragBeforeModel),
    ragToApi: med(parts.ragToApi),
    apiToClient: med(parts.apiToClient),
  };
}

// ------------------------------------------------------------------ run

const started = new Date();
const load0 = loadavg();
const relayResults: PhaseResult[] = [];
const sdkResults: PhaseResult[] = [];
let comparison: Awaited<ReturnType<typeof firstVisibleComparison>>;
try {
  // Warm-up: JIT, connection pools, first queries.
  await runClients(Math.min(20, USERS), 1, (user) => oneStream(user, []));
  for (const n of TIERS) {
    log(`relay at ${n} concurrent streams…`);
    relayResults.push(await relayPhase(n, WAVES ?? STREAMS_PER_CLIENT[n] ?? 1));
    log(`openai SDK direct at ${n}…`);
    sdkResults.push(await sdkPhase(n, SDK_STREAMS_PER_CLIENT[n] ?? 1));
  }
  log('first visible text: streaming vs pre-streaming (400-token answer)…');
  comparison = await firstVisibleComparison();
} finally {
  for (const s of sockets) s.disconnect();
  await stopAll();
}
const load1 = loadavg();
const breakdowns = relayResults.map((r) => ({ concurrency: r.concurrency, ...breakdown(r.samples) }));

// ------------------------------------------------------------------ report

/** CPU microseconds per relayed token (all the process's work in the phase, requests included). */
const perToken = (r: PhaseResult, cores: number) => (r.tokens ? ((cores * r.wallS) / r.tokens) * 1e6 : NaN);

const row = (r: PhaseResult) =>
  `| ${r.label} | ${r.concurrency} | ${r.streams} | ${r.failed} | ${fmt(r.addedTtft.p50)} | ${fmt(r.addedTtft.p95)} | ` +
  `${fmt(r.relay.p50, 2)} | ${fmt(r.relay.p99, 2)} | ${fmt(r.relay.max)} | ${fmt(r.accept.p50)} | ` +
  `${r.label.startsWith('(a)') ? '–' : fmt(r.apiCores, 2)} | ${r.label.startsWith('(a)') ? '–' : fmt(r.ragCores, 2)} | ` +
  `${r.label.startsWith('(a)') ? '–' : fmt(r.dbCores, 2)} / ${fmt(r.upstreamCores, 2)} / ${fmt(r.clientCores, 2)} | ` +
  `${r.label.startsWith('(a)') ? '–' : `${fmt(perToken(r, r.apiCores))} / ${fmt(perToken(r, r.ragCores))}`} | ` +
  `${r.label.startsWith('(a)') ? '–' : `${fmt(r.apiSystemShare * 100, 0)} / ${fmt(r.ragSystemShare * 100, 0)}`} | ` +
  `${r.label.startsWith('(a)') ? '–' : `${fmt(r.apiRssMb.start, 0)}→${fmt(r.apiRssMb.peak, 0)}→${fmt(r.apiRssMb.end, 0)}`} | ` +
  `${r.label.startsWith('(a)') ? '–' : `${fmt(r.apiLag.p99)} / ${fmt(r.ragLag.p99)}`} | ${fmt(r.clientLagP99Ms)} |`;

const table = [
  '| path | streams at once | streams | failed | added TTFT p50 ms | added TTFT p95 ms | relay p50 ms | relay p99 ms | relay max ms | POST→202 p50 ms | api CPU cores | rag CPU cores | db / upstream / clients CPU cores | api / rag CPU µs per token | api / rag kernel share % | api RSS MB start→peak→end | api / rag loop lag p99 ms | client loop lag p99 ms |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...TIERS.flatMap((_, i) => [row(relayResults[i]!), row(sdkResults[i]!)]),
].join('\n');

const at = (n: number) => relayResults[TIERS.indexOf(n)];
const check = (ok: boolean | undefined) => (ok === undefined ? 'not run' : ok ? 'met' : '**missed**');
const t1 = at(1);
const t200 = at(200);
const t500 = at(500);
const targets = [
  `| added TTFT p50 ≤ 15 ms, 1 stream | ${t1 ? fmt(t1.addedTtft.p50) : '–'} ms | ${check(t1 && t1.addedTtft.p50 <= 15)} |`,
  `| added TTFT p95 ≤ 40 ms, 1 stream | ${t1 ? fmt(t1.addedTtft.p95) : '–'} ms | ${check(t1 && t1.addedTtft.p95 <= 40)} |`,
  `| added TTFT p95 ≤ 100 ms, 200 streams | ${t200 ? fmt(t200.addedTtft.p95) : '–'} ms | ${check(t200 && t200.addedTtft.p95 <= 100)} |`,
  `| relay p99 ≤ 5 ms, 1 stream | ${t1 ? fmt(t1.relay.p99, 2) : '–'} ms | ${check(t1 && t1.relay.p99 <= 5)} |`,
  `| relay p99 ≤ 50 ms, 200 streams | ${t200 ? fmt(t200.relay.p99, 2) : '–'} ms | ${check(t200 && t200.relay.p99 <= 50)} |`,
  `| 500 streams: lag p99 ≤ 100 ms | ${t500 ? fmt(t500.relay.p99, 2) : '–'} ms | ${check(t500 && t500.relay.p99 <= 100)} |`,
  `| 500 streams: flat api memory (RSS at 0/25/50/75/100 % of the ${t500 ? fmt(t500.wallS, 0) : '–'} s tier) | ${t500 ? `${t500.apiRssSeries.map((v) => fmt(v, 0)).join(' / ')} MB` : '–'} | ${t500 ? 'see note' : 'not run'} |`,
  `| first visible text ≥ 5× sooner (400 tokens) | ${fmt(comparison.ratio)}× (${fmt(comparison.streamingFirstMs)} ms vs ${fmt(comparison.blockingFirstMs)} ms) | ${check(comparison.ratio >= 5)} |`,
].join('\n');

const errors = [
  ...relayResults.flatMap((r) => r.errors.map((e) => `- relay ${r.concurrency}: ${e}`)),
  ...sdkResults.flatMap((r) => r.errors.map((e) => `- openai SDK ${r.concurrency}: ${e}`)),
  ...comparison.errors.map((e) => `- first-visible-text comparison: ${e}`),
  ...[...disconnects].map(([reason, n]) => `- Socket.IO client disconnects (${reason}): ${n}`),
];
const report = `
## Stream relay — \`bench/stream/run.ts\` (${started.toISOString()})

\`\`\`bash
node --conditions=@classchat/source --import tsx bench/stream/run.ts   # all tiers; appends such a section
# experiments (not recorded): --tiers=1,200  --waves=N  --profile (CPU profiles of api and rag)
\`\`\`

Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${load0.map((l) => l.toFixed(1)).join(' / ')} at start,
${load1.map((l) => l.toFixed(1)).join(' / ')} at the end (the machine is shared). Node ${process.version}.
Setup: embedded database, fake upstream, rag, api (and a second api with ENABLE_STREAMING=false) as
separate processes on one machine; this process is the users (one Socket.IO client per premium user,
websocket transport) and the openai SDK baseline. Fake upstream: first token after ${FIRST_TOKEN_DELAY_MS} ms, then
50 tokens/s, ${ANSWER_TOKENS}-token answers (${LONG_ANSWER_TOKENS} for the first-visible-text comparison); general_qa with hybrid
retrieval over a 5-chunk document per user; LOG_LEVEL=info; no Redis. Streams in a tier start spread over
one stream's length (${(streamMs / 1000).toFixed(1)} s) and each client runs ${TIERS.map((n) => `${STREAMS_PER_CLIENT[n]} at ${n}`).join(', ')} streams back to back.
"added TTFT" = client POST → first \`chat-stream-token\` minus the upstream's own request → first token;
"relay" = each token's upstream write → the client event that completed its text (epoch clocks of two processes;
the relay joins tokens that arrive together into one event).

${table}

Where the added time to first token goes (medians from the api's and rag's logs, 1 ms resolution):

| streams at once | samples | api before calling rag ms | rag before the model's first token ms | first token rag → api ms | api → client ms |
| --- | --- | --- | --- | --- | --- |
${breakdowns.map((b) => `| ${b.concurrency} | ${b.n} | ${fmt(b.apiBeforeRag)} | ${fmt(b.ragBeforeModel)} | ${fmt(b.ragToApi)} | ${fmt(b.apiToClient)} |`).join('\n')}

Targets (SPEC §9):

| target | measured | |
| --- | --- | --- |
${targets}

First visible text, 400-token answer (medians of ${COMPARISON_RUNS}): streaming ${fmt(comparison.streamingFirstMs)} ms (whole answer ${fmt(comparison.streamingAllMs)} ms);
pre-streaming (blocking answer, then typing at 2 ms/char) ${fmt(comparison.blockingFirstMs)} ms (whole answer visible ${fmt(comparison.blockingAllMs)} ms).
${errors.length ? `\nFailures and disconnects:\n${errors.join('\n')}\n` : ''}`;

process.stdout.write(report);
writeFileSync(
  join(outDir, 'last-run.json'),
  JSON.stringify(
    { relayResults, sdkResults, comparison, breakdowns },
    (k, v: unknown) => (k === 'samples' ? undefined : v),
    2,
  ),
);
if (EXPERIMENT) {
  log('experiment flags given: not recorded in bench/RESULTS.md');
} else {
  const resultsPath = join(repoRoot, 'bench/RESULTS.md');
  if (!existsSync(resultsPath)) writeFileSync(resultsPath, '# Benchmark results\n');
  appendFileSync(resultsPath, report);
  log(`appended to ${resultsPath}`);
}
process.exit(0);
