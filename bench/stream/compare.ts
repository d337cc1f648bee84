/**
 * The stream path against its peers, in one invocation with one fake upstream (first token after
 * 400 ms, then 50 tokens/s, 200-token answers):
 *
 *   - product: the api (Socket.IO relay) + rag, reading the upstream through rag;
 *   - ai-sdk: a one-hop peer, Vercel AI SDK `streamText` → Socket.IO;
 *   - node-http: the floor, `node:http` + JSON.parse → Socket.IO, one hop.
 *
 * Every path runs as its own process(es); the users (Socket.IO clients) are a load generator in a
 * process of its own. For each tier it prints CPU µs per delivered token (api + rag for the product,
 * the peer process for the others; database, upstream, Redis and load generator listed apart), the
 * ratios, relay lag, memory, and the lost / duplicated seqs counted at the clients.
 *
 *   npm run stream -w bench                       # tiers 50, 160, 200; all three paths
 *   npm run stream -w bench -- --pairs=2          # two apis + two rags on one Redis: product only
 *   npm run stream -w bench -- --tiers=1           # added time to first token: one client, questions back to back
 *   options: --tiers=50,200  --waves=N (streams per client)  --gap-ms=N (pause between them)  --paths=product,ai-sdk,node-http
 *            --redis (one pair with Redis)  --no-record (print only; do not append to RESULTS.md)
 *            --profile (CPU profiles of api and rag in bench/output/stream/prof; implies --no-record,
 *            since profiling costs CPU)
 *            --loops (every process's event-loop stalls and GC pauses laid over the tokens' relay lag:
 *            where the tail comes from; implies --no-record)
 *            --answer-tokens=N (above 1 stream, N-token answers instead of 200: with a few tokens the CPU
 *            is nearly all per-chat work; CPU per answer = CPU µs per token × N; implies --no-record)
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticTokens } from '@classchat/testkit';
import { z } from 'zod';
import type { LoadPlan } from './load-protocol.js';
import { runPhase, type PhaseFigures, type Role } from './phase.js';
import { repoRoot, type Service } from './procs.js';
import { report } from './report.js';
import { seedUsers, type BenchUser } from './seed.js';
import { sessionOverlaps } from './session-overlaps.js';
import { lagAttribution, otherWork } from './lag-attribution.js';
import {
  JWT_SECRET,
  loopLogPath,
  memLogPath,
  startPeer,
  startStack,
  type PeerKind,
  type Stack,
} from './stack.js';
import { controlUpstream } from './upstream-records.js';

const PATHS = ['product', 'ai-sdk', 'node-http'] as const;
type PathName = (typeof PATHS)[number];

const list = <T extends z.ZodType>(item: T) =>
  z.string().transform((s, ctx) => {
    const parsed = z.array(item).safeParse(s.split(','));
    if (!parsed.success) ctx.addIssue({ code: 'custom', message: parsed.error.message });
    return parsed.data ?? [];
  });

const Args = z.object({
  pairs: z.coerce.number().int().min(1).max(4).default(1),
  tiers: list(z.coerce.number().int().positive()).optional(),
  waves: z.coerce.number().int().positive().optional(),
  /** A pause between a client's streams, as a student reading an answer (0: back to back). */
  'gap-ms': z.coerce.number().int().nonnegative().default(0),
  paths: list(z.enum(PATHS)).optional(),
  redis: z.boolean().default(false),
  record: z.boolean().default(true),
  profile: z.boolean().default(false),
  loops: z.boolean().default(false),
  'answer-tokens': z.coerce.number().int().positive().optional(),
});

function parseArgs(argv: string[]) {
  const raw: Record<string, string | boolean> = {};
  for (const arg of argv) {
    const [key, value] = arg.replace(/^--/, '').split('=', 2) as [string, string | undefined];
    if (key === 'no-record') raw.record = false;
    else raw[key] = value ?? true;
  }
  const args = Args.parse(raw);
  return {
    ...args,
    record:
      args.record &&
      !args.profile &&
      !args.loops &&
      args['gap-ms'] === 0 &&
      args['answer-tokens'] === undefined,
    tiers: args.tiers ?? [50, 160, 200],
    paths: args.paths ?? (args.pairs > 1 ? ['product' as const] : [...PATHS]),
    redis: args.redis || args.pairs > 1,
  };
}

const args = parseArgs(process.argv.slice(2));
const UPSTREAM = { firstTokenDelayMs: 400, tokenDelayMs: 20, answerTokens: 200 };
const streamMs = UPSTREAM.firstTokenDelayMs + UPSTREAM.answerTokens * UPSTREAM.tokenDelayMs;
/**
 * At 1 stream the figure is the added time to first token: one client asks back to back, the
 * upstream answering in a few tokens (its first still after the same delay), for enough samples.
 */
const FIRST_TOKEN_TIER = { streams: 1, answerTokens: 10, questions: 100 };
/** Streams per client: enough to hold the level for a while; 160 is the sizing tier, held longest. */
const wavesAt = (n: number) =>
  args.waves ?? (n === FIRST_TOKEN_TIER.streams ? FIRST_TOKEN_TIER.questions : n === 160 ? 6 : 2);

const outDir = join(repoRoot, 'bench/output/stream');
mkdirSync(outDir, { recursive: true });
const dataDir = mkdtempSync(join(tmpdir(), 'cc-bench-compare-'));
const log = (msg: string) => process.stderr.write(`[stream] ${msg}\n`);

interface PathUnderTest {
  name: PathName;
  targets: string[];
  servers: Role[];
}

function productPath(stack: Stack): PathUnderTest {
  return {
    name: 'product',
    targets: stack.apis.map((a) => a.ready[1]!),
    servers: [
      {
        name: 'api',
        pids: stack.apis.map((a) => a.pid),
        memLogs: stack.apis.map((a) => memLogPath(outDir, a.name)),
      },
      {
        name: 'rag',
        pids: stack.rags.map((r) => r.pid),
        memLogs: stack.rags.map((r) => memLogPath(outDir, r.name)),
      },
    ],
  };
}

const peerPath = (name: PeerKind, peer: Service): PathUnderTest => ({
  name,
  targets: [peer.ready[1]!],
  servers: [{ name: 'peer', pids: [peer.pid] }],
});

function otherRoles(stack: Stack): Role[] {
  return [
    { name: 'db', pids: [stack.db.pid] },
    { name: 'upstream', pids: [stack.fake.pid] },
    ...(stack.redis ? [{ name: 'redis', pids: [stack.redis.pid] }] : []),
  ];
}

async function phase(stack: Stack, path: PathUnderTest, users: BenchUser[], n: number, perClient: number) {
  await controlUpstream(stack.upstreamOrigin, 'reset');
  const answerTokens = n === FIRST_TOKEN_TIER.streams ? FIRST_TOKEN_TIER.answerTokens : args['answer-tokens'];
  if (answerTokens !== undefined) {
    await controlUpstream(stack.upstreamOrigin, 'default', {
      firstTokenDelayMs: UPSTREAM.firstTokenDelayMs,
      tokenDelayMs: UPSTREAM.tokenDelayMs,
      tokens: syntheticTokens(answerTokens),
    });
  }
  const plan: LoadPlan = {
    path: path.name === 'product' ? 'product' : 'peer',
    targets: path.targets,
    users: users.slice(0, n).map((u) => ({ token: u.token, classId: u.classId })),
    concurrency: n,
    perClient,
    spreadMs: n > 1 ? streamMs : 0,
    gapMs: args['gap-ms'],
    upstreamOrigin: stack.upstreamOrigin,
    probeConflicts: path.name === 'product' && path.targets.length > 1,
    streamTimeoutMs: streamMs * 10 + 30_000,
    ...(path.name === 'product' ? { tokenLogPath: tokenLogPath(path.name, n) } : {}),
  };
  return runPhase({
    path: path.name,
    plan,
    servers: path.servers,
    others: otherRoles(stack),
    logPath: join(outDir, 'loadgen.log'),
    machineLog: machineLogPath(path.name, n),
    ...(args.loops ? { loopLog: loopLogPath(outDir, 'loadgen') } : {}),
  });
}

const tokenLogPath = (path: string, n: number) => join(outDir, `tokens-${path}-${n}.bin`);
const machineLogPath = (path: string, n: number) => join(outDir, `machine-${path}-${n}.jsonl`);

const started = new Date();
const load0 = loadavg();
const stack = await startStack({
  pairs: args.pairs,
  redis: args.redis,
  dataDir,
  outDir,
  upstream: UPSTREAM,
  profile: args.profile,
  loops: args.loops,
  upstreamRecords: Math.max(20_000, 2 * Math.max(...args.tiers.map((n) => n * wavesAt(n))) + 1_000),
});
if (args.loops) rmSync(loopLogPath(outDir, 'loadgen'), { force: true });
const peers: Service[] = [];
const figures: PhaseFigures[] = [];
try {
  const paths: PathUnderTest[] = [];
  for (const name of args.paths) {
    if (name === 'product') paths.push(productPath(stack));
    else {
      const peer = await startPeer(name, stack.upstreamUrl, outDir);
      peers.push(peer);
      paths.push(peerPath(name, peer));
    }
  }
  const users = await seedUsers(stack.databaseUrl, JWT_SECRET, Math.max(...args.tiers, 20));
  log(
    `up: ${args.pairs} api+rag pair(s)${stack.redis ? ' on one Redis' : ''}, ${peers.length} peer(s), ${users.length} users`,
  );
  for (const path of paths) {
    log(`warm-up: ${path.name}`);
    await phase(stack, path, users, 20, 1);
  }
  // Paths take turns within a tier, so a change in the machine's other load falls on all of them.
  for (const n of args.tiers) {
    for (const path of paths) {
      log(`${path.name} at ${n} streams (${wavesAt(n)} per client)…`);
      figures.push(await phase(stack, path, users, n, wavesAt(n)));
    }
  }
} finally {
  for (const peer of peers) await peer.stop().catch(() => undefined);
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

const sessions = args.paths.includes('product') ? sessionOverlaps(stack.apis.map((a) => a.logPath)) : null;
const text = report({
  sessions,
  started,
  load: [load0, loadavg()],
  pairs: args.pairs,
  redis: Boolean(stack.redis),
  upstream: UPSTREAM,
  firstTokenTier: FIRST_TOKEN_TIER,
  wavesAt,
  argv: process.argv.slice(2),
  figures,
});
process.stdout.write(text);
for (const f of figures.filter((f) => f.path === 'product' && f.concurrency > 1)) {
  const tokens = tokenLogPath(f.path, f.concurrency);
  process.stdout.write(otherWork(tokens, machineLogPath(f.path, f.concurrency)));
  if (!args.loops) continue;
  const logs = Object.fromEntries(
    ['api-1', 'rag-1', 'upstream', 'db', 'loadgen'].map((name) => [name, loopLogPath(outDir, name)]),
  );
  process.stdout.write(lagAttribution(tokens, logs, f.concurrency));
}
if (args.record) {
  appendFileSync(join(repoRoot, 'bench/RESULTS.md'), text);
  log('appended to bench/RESULTS.md');
}
process.exit(0);
