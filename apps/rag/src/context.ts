import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Database, Repositories } from '@classchat/db';
import type { RagConfig } from './config.js';
import type { IsolatedParser } from './ingest/isolated-parse.js';
import type { RagMetrics } from './observability/metrics.js';
import type { TokenBudget } from './quota/token-budget.js';

/** What every rag capability is built from; created once per server instance. */
export interface RagContext {
  config: RagConfig;
  logger: Logger;
  metrics: RagMetrics;
  database: Database;
  /** Every query of the product, over `database`. */
  repos: Repositories;
  /** The shared Redis when REDIS_URL is set; the in-memory implementations are used otherwise. */
  redis: Redis | undefined;
  /** OPENAI_TPM_LIMIT, shared by answers and ingestion's embeddings (see quota/token-budget.ts). */
  tokenBudget: TokenBudget;
  /** Document parsing in worker threads, off the event loop that serves answers. */
  parser: IsolatedParser;
}
