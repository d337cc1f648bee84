import { resolve } from 'node:path';
import { z } from 'zod';
import { envBool, envInt, envString, parseEnv } from '@classchat/contracts';
import { loadOrCreateSecret } from '@classchat/contracts/node';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from '@classchat/service';

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

const ApiEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: envInt(3000, 0, 65535),
  HOST: envString('127.0.0.1'),
  RAG_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().default('http://127.0.0.1:3001')),
  INTERNAL_TOKEN: envString(),
  JWT_SECRET: envString(),
  JWT_TTL_S: envInt(7 * 24 * 3600, 60),
  DATABASE_URL: envString(),
  DATA_DIR: envString('./data'),
  REDIS_URL: envString(),
  REDIS_COMMAND_TIMEOUT_MS: envInt(DEFAULT_REDIS_COMMAND_TIMEOUT_MS, 50, 60_000),
  ENABLE_STREAMING: envBool(true),
  STREAM_TIMEOUT_MS: envInt(60_000, 100),
  STREAM_MAX_DURATION_S: envInt(120, 1),
  STREAM_REPLAY_TTL_S: envInt(60, 10),
  STREAM_OWNER_LEASE_MS: envInt(15_000, 100),
  FREE_PLAN_MONTHLY_CHATS: envInt(25, 1),
  MAX_UPLOAD_MB: envInt(25, 1, 1024),
  USER_STORAGE_MB: envInt(500, 1),
  UPLOAD_MIN_FREE_DISK_MB: envInt(512, 0),
  LOGIN_RATE_LIMIT: envInt(10, 1),
  LOGIN_IP_RATE_LIMIT: envInt(100, 1),
  SIGNUP_RATE_LIMIT: envInt(20, 1),
  PUBLIC_ORIGIN: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v : undefined),
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url().transform((u) => new URL(u).origin)))
      .optional(),
  ),
  METRICS_TOKEN: envString(),
  LOG_LEVEL: LogLevel,
  WEB_DIST_DIR: envString(),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
});

export type ApiConfig = ReturnType<typeof loadApiConfig>;

/**
 * The api's configuration from the environment. In production a missing secret is an error; in the
 * embedded default a random one is generated and kept under DATA_DIR.
 */
export function loadApiConfig(env: Record<string, string | undefined> = process.env) {
  const raw = parseEnv(ApiEnv, env);
  const dataDir = resolve(raw.DATA_DIR);
  const production = raw.NODE_ENV === 'production';
  const secret = (name: 'JWT_SECRET' | 'INTERNAL_TOKEN', value: string | undefined): string => {
    if (value) return value;
    if (production) throw new Error(`Invalid configuration:\n  ${name}: required when NODE_ENV=production`);
    return loadOrCreateSecret(dataDir, name);
  };
  if (!raw.DATABASE_URL) {
    throw new Error(
      'Invalid configuration:\n  DATABASE_URL: required (npm start launches the embedded database and sets it)',
    );
  }
  return {
    ...raw,
    DATA_DIR: dataDir,
    DATABASE_URL: raw.DATABASE_URL,
    JWT_SECRET: secret('JWT_SECRET', raw.JWT_SECRET),
    INTERNAL_TOKEN: secret('INTERNAL_TOKEN', raw.INTERNAL_TOKEN),
    filesDir: resolve(dataDir, 'files'),
    maxUploadBytes: raw.MAX_UPLOAD_MB * 1024 * 1024,
    userStorageBytes: raw.USER_STORAGE_MB * 1024 * 1024,
    minFreeDiskBytes: raw.UPLOAD_MIN_FREE_DISK_MB * 1024 * 1024,
    production,
  };
}
