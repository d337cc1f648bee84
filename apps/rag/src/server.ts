import { createServer } from 'node:http';
import { connect, createRepositories, migrate } from '@classchat/db';
import { createLogger, connectRedis, type ServingHttp } from '@classchat/service';
import type { Logger } from 'pino';
import { createApp, type RagServices } from './app.js';
import { createAnswerDeps } from './http/answer-routes.js';
import { createAnswerStreamH2Server } from './http/answer-stream-h2.js';
import { serveHttpAndH2c } from './http/h2c.js';
import type { RagConfig } from './config.js';
import type { RagContext } from './context.js';
import { createIngestDeps } from './ingest/ingest-routes.js';
import { createIsolatedParser } from './ingest/isolated-parse.js';
import { prepareTokenizer } from './prompts/tokens.js';
import { prepareLightWords } from './retrieval/light-words.js';
import { createRagMetrics } from './observability/metrics.js';
import { createTokenBudget } from './quota/token-budget.js';

export interface RunningRag extends Omit<ServingHttp, 'close'> {
  ctx: RagContext;
  services: RagServices;
  stop(): Promise<void>;
}

/**
 * Boot rag: migrate, connect, serve HTTP/1.1 and cleartext HTTP/2 on config.PORT (0 = a free port).
 * The composition root: the context and the services are built here once and passed in; two calls
 * build two independent instances.
 */
export async function startRag(config: RagConfig, options: { logger?: Logger } = {}): Promise<RunningRag> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL, 'rag');
  await migrate(config.DATABASE_URL);
  const database = connect(config.DATABASE_URL);
  const redis = await connectRedis(config.REDIS_URL, {
    logger,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
  });
  const ctx: RagContext = {
    config,
    logger,
    metrics: createRagMetrics(),
    database,
    repos: createRepositories(database.db),
    redis,
    tokenBudget: createTokenBudget(redis, { limit: config.OPENAI_TPM_LIMIT, logger }),
    parser: createIsolatedParser({
      memoryMb: config.INGEST_PARSE_MEMORY_MB,
      maxChars: config.INGEST_MAX_CHARS,
      workers: config.INGEST_PARSE_WORKERS,
      logger,
    }),
  };
  const services: RagServices = { answers: createAnswerDeps(ctx), ingest: createIngestDeps(ctx) };
  // Tables every question reads, built on first use: built before serving, not in a student's answer.
  prepareLightWords();
  prepareTokenizer();
  const http = await serveHttpAndH2c(
    createServer(createApp(ctx, services)),
    createAnswerStreamH2Server(ctx, services.answers),
    config.PORT,
    config.HOST,
  );
  logger.info({ url: http.url }, 'rag listening');
  return {
    ...http,
    ctx,
    services,
    async stop() {
      await http.close();
      await ctx.parser.close();
      await database.close();
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
