import { createServer } from 'node:http';
import { connect, migrate } from '@classchat/db';
import { createLogger, createRedis, serveHttp, type ServingHttp } from '@classchat/service';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import type { RagConfig } from './config.js';
import type { RagContext } from './context.js';
import { createRagMetrics } from './observability/metrics.js';
import { createTokenBudget } from './quota/token-budget.js';
import { createStreamStateStore } from './streaming/stream-state.js';

export interface RunningRag extends Omit<ServingHttp, 'close'> {
  ctx: RagContext;
  stop(): Promise<void>;
}

/** Boot rag: migrate, connect, serve HTTP on config.PORT (0 = a free port). */
export async function startRag(config: RagConfig, options: { logger?: Logger } = {}): Promise<RunningRag> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL, 'rag');
  await migrate(config.DATABASE_URL);
  const database = connect(config.DATABASE_URL);
  const redis = createRedis(config.REDIS_URL);
  redis?.on('error', (err) => logger.warn({ err }, 'redis error'));
  const ctx: RagContext = {
    config,
    logger,
    metrics: createRagMetrics(),
    database,
    redis,
    tokenBudget: createTokenBudget(redis, { limit: config.OPENAI_TPM_LIMIT }),
    streamState: createStreamStateStore(redis),
  };
  const http = await serveHttp(createServer(createApp(ctx)), config.PORT, config.HOST);
  logger.info({ url: http.url }, 'rag listening');
  return {
    ...http,
    ctx,
    async stop() {
      await http.close();
      await database.close();
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
