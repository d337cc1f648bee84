import type { Logger } from 'pino';
import type { Database } from '@classchat/db';
import type { RagConfig } from './config.js';
import type { RagMetrics } from './observability/metrics.js';

/** What every rag capability is built from; created once per server instance. */
export interface RagContext {
  config: RagConfig;
  logger: Logger;
  metrics: RagMetrics;
  database: Database;
}
