/**
 * The processes the stream comparison measures, each a child: the embedded database, the fake
 * upstream, optionally a private Redis, N rag + api pairs (api i reads rag i), and the peers.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startPrivateRedis, type PrivateRedis } from '@classchat/testkit';
import { startService, type Service } from './procs.js';

export const JWT_SECRET = 'bench-jwt-secret';
const INTERNAL_TOKEN = 'bench-internal-token';

export interface UpstreamSettings {
  firstTokenDelayMs: number;
  tokenDelayMs: number;
  answerTokens: number;
}

export interface Stack {
  db: Service;
  fake: Service;
  redis: (PrivateRedis & { pid: number }) | null;
  rags: Service[];
  apis: Service[];
  /** `http://…/v1`, and the origin of the fake's control API. */
  upstreamUrl: string;
  upstreamOrigin: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

/** Where a service's memory samples go (`mem-monitor.ts`, preloaded into every api and rag). */
export const memLogPath = (outDir: string, name: string) => join(outDir, `mem-${name}.jsonl`);

function memMonitor(outDir: string, name: string) {
  const path = memLogPath(outDir, name);
  rmSync(path, { force: true });
  return { env: { BENCH_MEM_OUT: path }, preload: ['./bench/stream/mem-monitor.ts'] };
}

/** Where a process's event-loop stalls go (`loop-monitor.ts`, preloaded with `--loops`). */
export const loopLogPath = (outDir: string, name: string) => join(outDir, `loop-${name}.jsonl`);

/** The loop monitor's preload for a process, or nothing when the run does not ask for it. */
export function loopMonitor(
  outDir: string,
  name: string,
  on: boolean,
): { env: Record<string, string>; preload: string[] } {
  if (!on) return { env: {}, preload: [] };
  const path = loopLogPath(outDir, name);
  rmSync(path, { force: true });
  return { env: { BENCH_LOOP_OUT: path }, preload: ['./bench/stream/loop-monitor.ts'] };
}

const listening = (name: string) => new RegExp(`"url":"(http://[^"]+)".*"msg":"${name} listening"`);

async function startRedis(): Promise<PrivateRedis & { pid: number }> {
  const redis = await startPrivateRedis();
  const info = execFileSync('redis-cli', ['-p', String(redis.port), 'info', 'server'], { encoding: 'utf8' });
  return Object.assign(redis, { pid: Number(/process_id:(\d+)/.exec(info)?.[1]) });
}

export interface StackOptions {
  pairs: number;
  redis: boolean;
  dataDir: string;
  outDir: string;
  upstream: UpstreamSettings;
  /** CPU profiles of every api and rag, written to `<outDir>/prof/<name>` when they stop. */
  profile?: boolean;
  /** Event-loop stalls of every process (`loop-monitor.ts`), to `<outDir>/loop-<name>.jsonl`. */
  loops?: boolean;
  /**
   * Requests the fake upstream keeps for matching (it drops the oldest past this): at least one
   * phase's streams, each a chat and an embeddings request, or early streams go unmatched.
   */
  upstreamRecords: number;
  /** Extra environment for every rag (e.g. an empty OPENAI_CHAT_MODEL for offline answers). */
  ragEnv?: Record<string, string>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const started: Service[] = [];
  const begin = async (s: Promise<Service>) => {
    const service = await s;
    started.push(service);
    return service;
  };
  let redis: (PrivateRedis & { pid: number }) | null = null;
  const stop = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    await redis?.close();
  };
  try {
    const db = await begin(startDb(options));
    const fake = await begin(startUpstream(options));
    if (options.redis) redis = await startRedis();
    const upstreamUrl = fake.ready[1]!;
    const shared = sharedEnv(db.ready[1]!, options.dataDir, redis);
    const rags: Service[] = [];
    const apis: Service[] = [];
    for (let i = 1; i <= options.pairs; i++) {
      const rag = await begin(
        startApp(options, 'rag', i, {
          ...shared,
          OPENAI_API_KEY: 'bench-key',
          OPENAI_BASE_URL: upstreamUrl,
          // The fake has no token budget; ours must not be what limits the streams.
          OPENAI_TPM_LIMIT: '1000000000',
          ...options.ragEnv,
        }),
      );
      rags.push(rag);
      const api = startApp(options, 'api', i, {
        ...shared,
        JWT_SECRET,
        RAG_URL: rag.ready[1]!,
        COOKIE_SECURE: 'false',
        ENABLE_STREAMING: 'true',
      });
      apis.push(await begin(api));
    }
    return {
      db,
      fake,
      redis,
      rags,
      apis,
      upstreamUrl,
      upstreamOrigin: upstreamUrl.replace(/\/v1$/, ''),
      databaseUrl: db.ready[1]!,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The monitors preloaded into one process of the stack: memory for api and rag, loops with `--loops`. */
function monitorsOf(options: StackOptions, name: string, memory: boolean) {
  const loops = loopMonitor(options.outDir, name, options.loops ?? false);
  const mem = memory ? memMonitor(options.outDir, name) : { env: {}, preload: [] };
  return { env: { ...mem.env, ...loops.env }, preload: [...mem.preload, ...loops.preload] };
}

/** One directory per service: the tsx loader's worker thread writes a profile of its own there too. */
const profileArgs = (options: StackOptions, name: string) =>
  options.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(options.outDir, 'prof', name)}`] : [];

function startDb(options: StackOptions): Promise<Service> {
  const monitors = monitorsOf(options, 'db', false);
  return startService({
    name: 'db',
    entry: 'bench/stream/embedded-db.ts',
    env: { DATA_DIR: options.dataDir, ...monitors.env },
    preload: monitors.preload,
    ready: /"url":"(postgres:\/\/[^"]+)"/,
    logPath: join(options.outDir, 'db.log'),
  });
}

function startUpstream(options: StackOptions): Promise<Service> {
  const monitors = monitorsOf(options, 'upstream', false);
  return startService({
    name: 'fake-upstream',
    entry: 'packages/testkit/src/fake-openai-main.ts',
    preload: monitors.preload,
    env: {
      ...monitors.env,
      PORT: '0',
      FAKE_FIRST_TOKEN_DELAY_MS: String(options.upstream.firstTokenDelayMs),
      FAKE_TOKEN_DELAY_MS: String(options.upstream.tokenDelayMs),
      FAKE_REPLY_TOKENS: String(options.upstream.answerTokens),
      FAKE_MAX_RECORDED: String(options.upstreamRecords),
    },
    ready: /"url":"(http:\/\/[^"]+)"/,
    logPath: join(options.outDir, 'fake-upstream.log'),
  });
}

/** The environment every api and rag of a bench's stack shares. */
export function sharedEnv(
  databaseUrl: string,
  dataDir: string,
  redis: PrivateRedis | null,
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    INTERNAL_TOKEN,
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
    ...(redis ? { REDIS_URL: redis.url } : {}),
  };
}

/** One api or rag of the stack, with the monitors every api and rag gets. */
function startApp(
  options: StackOptions,
  app: 'api' | 'rag',
  index: number,
  env: Record<string, string>,
): Promise<Service> {
  const name = `${app}-${index}`;
  const monitors = monitorsOf(options, name, true);
  return startService({
    name,
    entry: `apps/${app}/src/main.ts`,
    preload: monitors.preload,
    env: { ...env, ...monitors.env },
    ready: listening(app),
    nodeArgs: profileArgs(options, name),
    logPath: join(options.outDir, `${name}.log`),
  });
}

export type PeerKind = 'ai-sdk' | 'node-http';

export function startPeer(kind: PeerKind, upstreamUrl: string, outDir: string): Promise<Service> {
  return startService({
    name: `peer-${kind}`,
    entry: 'bench/stream/peers/main.ts',
    env: { PEER: kind, UPSTREAM_URL: upstreamUrl },
    ready: /"url":"(http:\/\/[^"]+)"/,
    logPath: join(outDir, `peer-${kind}.log`),
  });
}
