import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadApiConfig, startApi, type RunningApi } from '@classchat/api';
import { loadRagConfig, startRag, type RunningRag } from '@classchat/rag';
import { startTestDatabase } from './db.js';
import { startFakeOpenAI, type FakeOpenAI } from './fake-openai/index.js';
import { killChild } from './child-process.js';

export type Env = Record<string, string | undefined>;

export interface StackOptions {
  /** Extra environment for the api (e.g. ENABLE_STREAMING, STREAM_TIMEOUT_MS, FREE_PLAN_MONTHLY_CHATS). */
  api?: Env;
  /** Extra environment for rag (e.g. STREAM_KEEPALIVE_MS). */
  rag?: Env;
  /** 'fake' (default): rag talks to a fresh fake OpenAI upstream; 'offline': no model configured. */
  model?: 'fake' | 'offline';
  /** Run rag as a child process (so a test can kill it) instead of in-process. */
  ragProcess?: boolean;
  /** Use the test Redis (TEST_REDIS_URL, started by `npm test`) for both services. */
  redis?: boolean;
  /** Use this Redis for both services instead (e.g. a `startPrivateRedis()` a test takes down). */
  redisUrl?: string;
}

export interface Stack {
  apiUrl: string;
  ragUrl: string;
  databaseUrl: string;
  dataDir: string;
  internalToken: string;
  upstream: FakeOpenAI | null;
  api: RunningApi;
  /** The environment the api runs with: another api process of the same stack starts from it. */
  apiEnv: Readonly<Env>;
  /** In-process rag, or null when `ragProcess` is set. */
  rag: RunningRag | null;
  /** The rag child process when `ragProcess` is set. */
  ragChild: ChildProcess | null;
  stop(): Promise<void>;
}

const INTERNAL_TOKEN = 'test-internal-token';
const TEST_JWT_SECRET = 'test-jwt-secret';
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** The Redis that `npm test` started for this run (or one on the default port when run by hand). */
export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/**
 * The real services on free ports: the embedded database (fresh, migrated), a fake OpenAI upstream,
 * rag and the api, all in a temporary DATA_DIR. `stop()` tears everything down.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cc-stack-'));
  const database = await startTestDatabase();
  const upstream = options.model === 'offline' ? null : await startFakeOpenAI();
  const env = stackEnv(options, { databaseUrl: database.url, dataDir, upstreamUrl: upstream?.url ?? null });
  const { rag, ragChild, ragUrl } = await startStackRag(env.rag, options.ragProcess === true);
  const apiEnv = env.api(ragUrl);
  const api = await startApi(loadApiConfig(apiEnv));
  return {
    apiUrl: api.url,
    ragUrl,
    databaseUrl: database.url,
    dataDir,
    internalToken: INTERNAL_TOKEN,
    upstream,
    api,
    apiEnv,
    rag,
    ragChild,
    async stop() {
      await api.stop();
      await rag?.stop();
      if (ragChild) await killChild(ragChild);
      await upstream?.close();
      await database.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The environment of the stack's rag, and of its api once rag's URL is known. */
function stackEnv(
  options: StackOptions,
  at: { databaseUrl: string; dataDir: string; upstreamUrl: string | null },
): { rag: Env; api: (ragUrl: string) => Env } {
  const shared: Env = {
    NODE_ENV: 'test',
    DATABASE_URL: at.databaseUrl,
    DATA_DIR: at.dataDir,
    INTERNAL_TOKEN,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    ...(options.redisUrl || options.redis ? { REDIS_URL: options.redisUrl ?? testRedisUrl() } : {}),
  };
  return {
    rag: {
      ...shared,
      ...(at.upstreamUrl ? { OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: at.upstreamUrl } : {}),
      OFFLINE_TOKEN_DELAY_MS: '1',
      // One token event per model token, never merged: tests count and resume at seqs.
      STREAM_COALESCE_MS: 'off',
      ...options.rag,
    },
    api: (ragUrl) => ({
      ...shared,
      JWT_SECRET: TEST_JWT_SECRET,
      RAG_URL: ragUrl,
      // Every test signs its users up from 127.0.0.1, and with Redis the count outlives the stack:
      // the signup limit is tested with a limit of its own.
      SIGNUP_RATE_LIMIT: '1000000',
      ...options.api,
    }),
  };
}

/** rag in this process, or as a child process a test can kill. */
async function startStackRag(
  env: Env,
  asProcess: boolean,
): Promise<{ rag: RunningRag | null; ragChild: ChildProcess | null; ragUrl: string }> {
  if (asProcess) {
    const { child, url } = await startRagProcess(env);
    return { rag: null, ragChild: child, ragUrl: url };
  }
  const rag = await startRag(loadRagConfig(env));
  return { rag, ragChild: null, ragUrl: rag.url };
}

/** rag from its TypeScript sources in a child process; resolves once it listens. */
export function startRagProcess(env: Env): Promise<{ child: ChildProcess; url: string }> {
  return startServiceProcess('rag', env);
}

/**
 * The api from its TypeScript sources in a child process (its `main.ts`, as production runs it);
 * resolves once it listens. Its JWT secret is the one `startStack` gives the in-process api.
 */
export function startApiProcess(env: Env): Promise<{ child: ChildProcess; url: string }> {
  return startServiceProcess('api', { JWT_SECRET: TEST_JWT_SECRET, ...env });
}

async function startServiceProcess(
  service: 'api' | 'rag',
  env: Env,
): Promise<{ child: ChildProcess; url: string }> {
  const main = `apps/${service}/src/main.ts`;
  const child = spawn(process.execPath, ['--conditions=@classchat/source', '--import', 'tsx', main], {
    cwd: repoRoot,
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const listening = new RegExp(`"url":"(http://[^"]+)".*"msg":"${service} listening"`);
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = listening.exec(buffer);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`${service} exited before listening (${code})`)));
  });
  child.stdout?.removeAllListeners('data');
  child.stdout?.resume();
  return { child, url };
}
