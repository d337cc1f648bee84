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

export async function startStack(options: {
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
}): Promise<Stack> {
  const { outDir, dataDir } = options;
  const loops = (name: string) => loopMonitor(outDir, name, options.loops ?? false);
  // One directory per service: the tsx loader's worker thread writes a profile of its own there too.
  const profileArgs = (name: string) =>
    options.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(outDir, 'prof', name)}`] : [];
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
    const dbLoops = loops('db');
    const upstreamLoops = loops('upstream');
    const db = await begin(
      startService({
        name: 'db',
        entry: 'bench/stream/embedded-db.ts',
        env: { DATA_DIR: dataDir, ...dbLoops.env },
        preload: dbLoops.preload,
        ready: /"url":"(postgres:\/\/[^"]+)"/,
        logPath: join(outDir, 'db.log'),
      }),
    );
    const fake = await begin(
      startService({
        name: 'fake-upstream',
        entry: 'packages/testkit/src/fake-openai-main.ts',
        preload: upstreamLoops.preload,
        env: {
          ...upstreamLoops.env,
          PORT: '0',
          FAKE_FIRST_TOKEN_DELAY_MS: String(options.upstream.firstTokenDelayMs),
          FAKE_TOKEN_DELAY_MS: String(options.upstream.tokenDelayMs),
          FAKE_REPLY_TOKENS: String(options.upstream.answerTokens),
          FAKE_MAX_RECORDED: String(options.upstreamRecords),
        },
        ready: /"url":"(http:\/\/[^"]+)"/,
        logPath: join(outDir, 'fake-upstream.log'),
      }),
    );
    if (options.redis) redis = await startRedis();
    const upstreamUrl = fake.ready[1]!;
    const shared = {
      NODE_ENV: 'production',
      DATABASE_URL: db.ready[1]!,
      DATA_DIR: dataDir,
      INTERNAL_TOKEN,
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
      ...(redis ? { REDIS_URL: redis.url } : {}),
    };
    const rags: Service[] = [];
    const apis: Service[] = [];
    for (let i = 0; i < options.pairs; i++) {
      const ragMem = memMonitor(outDir, `rag-${i + 1}`);
      const ragLoops = loops(`rag-${i + 1}`);
      const rag = await begin(
        startService({
          name: `rag-${i + 1}`,
          entry: 'apps/rag/src/main.ts',
          preload: [...ragMem.preload, ...ragLoops.preload],
          env: {
            ...shared,
            ...ragMem.env,
            ...ragLoops.env,
            OPENAI_API_KEY: 'bench-key',
            OPENAI_BASE_URL: upstreamUrl,
            // The fake has no token budget; ours must not be what limits the streams.
            OPENAI_TPM_LIMIT: '1000000000',
          },
          ready: listening('rag'),
          nodeArgs: profileArgs(`rag-${i + 1}`),
          logPath: join(outDir, `rag-${i + 1}.log`),
        }),
      );
      rags.push(rag);
      const apiMem = memMonitor(outDir, `api-${i + 1}`);
      const apiLoops = loops(`api-${i + 1}`);
      apis.push(
        await begin(
          startService({
            name: `api-${i + 1}`,
            entry: 'apps/api/src/main.ts',
            preload: [...apiMem.preload, ...apiLoops.preload],
            env: {
              ...shared,
              ...apiMem.env,
              ...apiLoops.env,
              JWT_SECRET,
              RAG_URL: rag.ready[1]!,
              COOKIE_SECURE: 'false',
              ENABLE_STREAMING: 'true',
            },
            ready: listening('api'),
            nodeArgs: profileArgs(`api-${i + 1}`),
            logPath: join(outDir, `api-${i + 1}.log`),
          }),
        ),
      );
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
