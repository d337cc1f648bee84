import { resolve } from 'node:path';
import { z } from 'zod';
import { envBool, envInt, envString, parseEnv } from '@classchat/contracts';
import { loadOrCreateSecret } from '@classchat/contracts/node';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from '@classchat/service';

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

const RagEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: envInt(3001, 0, 65535),
  HOST: envString('127.0.0.1'),
  INTERNAL_TOKEN: envString(),
  DATABASE_URL: envString(),
  DATA_DIR: envString('./data'),
  REDIS_URL: envString(),
  REDIS_COMMAND_TIMEOUT_MS: envInt(DEFAULT_REDIS_COMMAND_TIMEOUT_MS, 50, 60_000),
  OPENAI_API_KEY: envString(),
  OPENAI_BASE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  /** Empty answers offline (extractive) while embeddings stay on, e.g. to measure retrieval alone. */
  OPENAI_CHAT_MODEL: z.string().default('gpt-4o-mini'),
  /** Empty disables embeddings (full-text retrieval only), e.g. for a chat-only local server. */
  OPENAI_EMBEDDING_MODEL: z.string().default('text-embedding-3-small'),
  OPENAI_TPM_LIMIT: envInt(200_000, 1),
  OPENAI_STREAMING_ENABLED: envBool(true),
  OPENAI_TIMEOUT_MS: envInt(60_000, 100),
  STREAM_KEEPALIVE_MS: envInt(10_000, 10),
  STREAM_CHUNK_SIZE: envInt(1, 1, 100),
  /** `off`, or ms (0–1000): see `generate`. */
  STREAM_COALESCE_MS: z.union([z.literal('off'), envInt(0, 0, 1000)], {
    error: 'expected off or a whole number of ms from 0 to 1000',
  }),
  STREAM_MAX_DURATION_S: envInt(120, 1),
  OFFLINE_TOKEN_DELAY_MS: envInt(15, 0, 1000),
  INGEST_MAX_PAGES: envInt(2000, 1),
  INGEST_TIMEOUT_S: envInt(600, 1),
  /** Characters of text one document may hold (about 2,000 dense pages). */
  INGEST_MAX_CHARS: envInt(8_000_000, 1),
  /** Chunks one document may make (each costs embedding tokens and an index row). */
  INGEST_MAX_CHUNKS: envInt(5000, 1),
  /** Memory of one parse worker: its JavaScript heap, and separately its buffers. */
  INGEST_PARSE_MEMORY_MB: envInt(1024, 32),
  /** Documents parsed at once, each in its own worker thread. */
  INGEST_PARSE_WORKERS: envInt(2, 1, 64),
  LOG_LEVEL: LogLevel,
});

export type RagConfig = ReturnType<typeof loadRagConfig>;

/** rag's configuration from the environment; see apps/rag/.env.example. */
export function loadRagConfig(env: Record<string, string | undefined> = process.env) {
  const raw = parseEnv(RagEnv, env);
  const dataDir = resolve(raw.DATA_DIR);
  const production = raw.NODE_ENV === 'production';
  if (!raw.DATABASE_URL) {
    throw new Error(
      'Invalid configuration:\n  DATABASE_URL: required (npm start launches the embedded database and sets it)',
    );
  }
  if (!raw.INTERNAL_TOKEN && production) {
    throw new Error('Invalid configuration:\n  INTERNAL_TOKEN: required when NODE_ENV=production');
  }
  return {
    ...raw,
    DATA_DIR: dataDir,
    DATABASE_URL: raw.DATABASE_URL,
    INTERNAL_TOKEN: raw.INTERNAL_TOKEN ?? loadOrCreateSecret(dataDir, 'INTERNAL_TOKEN'),
    filesDir: resolve(dataDir, 'files'),
    /** A chat model is configured; otherwise answers are extractive ("offline mode"). */
    llmEnabled: Boolean((raw.OPENAI_API_KEY || raw.OPENAI_BASE_URL) && raw.OPENAI_CHAT_MODEL),
    embeddingsEnabled: Boolean((raw.OPENAI_API_KEY || raw.OPENAI_BASE_URL) && raw.OPENAI_EMBEDDING_MODEL),
    production,
  };
}
