import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadApiConfig, startApi, type RunningApi } from '@classchat/api';
import { loadRagConfig, startRag, type RunningRag } from '@classchat/rag';
import { startTestDatabase } from './db.js';
import { startFakeOpenAI, type FakeOpenAI } from './fake-openai/index.js';

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
  const shared: Env = {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    INTERNAL_TOKEN,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    ...(options.redisUrl || options.redis ? { REDIS_URL: options.redisUrl ?? testRedisUrl() } : {}),
  };
  const ragEnv: Env = {
    ...shared,
    ...(upstream ? { OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: upstream.url } : {}),
    OFFLINE_TOKEN_DELAY_MS: '1',
    // One token event per model token, never merged: tests count and resume at seqs.
    STREAM_COALESCE_MS: 'off',
    ...options.rag,
  };
  let rag: RunningRag | null = null;
  let ragChild: ChildProcess | null = null;
  let ragUrl: string;
  if (options.ragProcess) {
    ({ child: ragChild, url: ragUrl } = await startRagProcess(ragEnv));
  } else {
    rag = await startRag(loadRagConfig(ragEnv));
    ragUrl = rag.url;
  }
  const api = await startApi(
    loadApiConfig({
      ...shared,
      JWT_SECRET: TEST_JWT_SECRET,
      RAG_URL: ragUrl,
      // Every test signs its users up from 127.0.0.1, and with Redis the count outlives the stack:
      // the signup limit is tested with a limit of its own.
      SIGNUP_RATE_LIMIT: '1000000',
      ...options.api,
    }),
  );
  return {
    apiUrl: api.url,
    ragUrl,
    databaseUrl: database.url,
    dataDir,
    internalToken: INTERNAL_TOKEN,
    upstream,
    api,
    rag,
    ragChild,
    async stop() {
      await api.stop();
      await rag?.stop();
      if (ragChild && ragChild.exitCode === null && ragChild.signalCode === null) {
        const exited = new Promise((r) => ragChild?.once('exit', r));
        ragChild.kill('SIGKILL');
        await exited;
      }
      await upstream?.close();
      await database.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
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
