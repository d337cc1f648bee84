/**
 * The fake OpenAI upstream as a process, for benchmarks and end-to-end tests:
 *
 *   PORT=0 FAKE_FIRST_TOKEN_DELAY_MS=500 FAKE_TOKEN_DELAY_MS=20 \
 *     node --conditions=@classchat/source --import tsx packages/testkit/src/fake-openai-main.ts
 *
 * prints one line `{"event":"ready","url":"http://127.0.0.1:PORT/v1","port":PORT,"pid":…}` on stdout.
 * Scripts can still be changed at run time over HTTP: `POST /_fake/default`, `POST /_fake/enqueue`
 * (a script or an array), `POST /_fake/embeddings/default`, `POST /_fake/embeddings/enqueue`,
 * `POST /_fake/reset`, and `GET /_fake/requests` returns what was recorded.
 */
import { envInt, envString, parseEnv } from '@classchat/contracts';
import { z } from 'zod';
import { startFakeOpenAI, syntheticTokens, type ChatScript } from './fake-openai/index.js';

const Env = z.object({
  PORT: envInt(0, 0, 65_535),
  HOST: envString('127.0.0.1'),
  /** Delay before the first token of every chat answer. */
  FAKE_FIRST_TOKEN_DELAY_MS: envInt(0),
  /** Delay between tokens (20 ms = 50 tokens/s). */
  FAKE_TOKEN_DELAY_MS: envInt(0),
  /** A fixed answer text (default: the fake's echo of the question citing [1]). */
  FAKE_REPLY: envString(),
  /** Answer with exactly this many synthetic tokens instead (overrides FAKE_REPLY). */
  FAKE_REPLY_TOKENS: envInt(0, 0, 100_000),
  FAKE_EMBEDDING_DIMENSIONS: envInt(512, 1, 8192),
  FAKE_EMBEDDING_DELAY_MS: envInt(0),
  /** When set, requests must carry `Authorization: Bearer <FAKE_API_KEY>`. */
  FAKE_API_KEY: envString(),
  /** Records kept for `GET /_fake/requests` (older ones dropped, so memory stays flat). */
  FAKE_MAX_RECORDED: envInt(10_000, 0),
});

const env = parseEnv(Env, process.env);

const script: ChatScript = {
  firstTokenDelayMs: env.FAKE_FIRST_TOKEN_DELAY_MS,
  tokenDelayMs: env.FAKE_TOKEN_DELAY_MS,
};
if (env.FAKE_REPLY_TOKENS > 0) script.tokens = syntheticTokens(env.FAKE_REPLY_TOKENS);
else if (env.FAKE_REPLY !== undefined) script.reply = env.FAKE_REPLY;

const fake = await startFakeOpenAI({
  host: env.HOST,
  port: env.PORT,
  defaultScript: script,
  embeddingsScript: { delayMs: env.FAKE_EMBEDDING_DELAY_MS },
  embeddingDimensions: env.FAKE_EMBEDDING_DIMENSIONS,
  apiKey: env.FAKE_API_KEY,
  maxRecordedRequests: env.FAKE_MAX_RECORDED,
});

process.stdout.write(
  `${JSON.stringify({ event: 'ready', url: fake.url, port: fake.port, pid: process.pid })}\n`,
);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  fake.close().then(
    () => {
      process.stdout.write(`${JSON.stringify({ event: 'stopped', signal })}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`fake OpenAI failed to close: ${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
