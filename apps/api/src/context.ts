import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Database } from '@classchat/db';
import type { TokenService } from './auth/tokens.js';
import type { ApiConfig } from './config.js';
import type { ApiMetrics } from './observability/metrics.js';
import type { Realtime } from './realtime/socket-server.js';

/** What every api capability is built from; created once per server instance. */
export interface ApiContext {
  config: ApiConfig;
  logger: Logger;
  metrics: ApiMetrics;
  database: Database;
  tokens: TokenService;
  realtime: Realtime;
  /** Present when REDIS_URL is set; capabilities fall back to in-memory implementations otherwise. */
  redis: Redis | undefined;
}
