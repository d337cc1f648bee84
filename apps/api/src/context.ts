import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Database, Repositories } from '@classchat/db';
import type { TokenService } from './auth/tokens.js';
import type { ApiConfig } from './config.js';
import type { FileStore } from './documents/file-store.js';
import type { IngestionService } from './ingestion/ingestion.js';
import type { ApiMetrics } from './observability/metrics.js';
import type { RagClient } from './rag-client/rag-client.js';
import type { Realtime } from './realtime/socket-server.js';
import type { UserEventPublisher } from './realtime/user-events.js';
import type { StreamRegistry } from './streaming/registry.js';

/** What every api capability is built from; created once per server instance. */
export interface ApiContext {
  config: ApiConfig;
  logger: Logger;
  metrics: ApiMetrics;
  database: Database;
  /** Every query of the product, over `database`. */
  repos: Repositories;
  /** Uploaded files under DATA_DIR/files. */
  files: FileStore;
  tokens: TokenService;
  realtime: Realtime;
  /** Tells every tab and device of a user what changed in their account (`user-event`). */
  userEvents: UserEventPublisher;
  /** rag's internal API (answers, ingestion), with the internal token and request ids. */
  rag: RagClient;
  /** The chat streams running in this process (the relay's registry and its one `publish`). */
  streams: StreamRegistry;
  /** The document ingestion queue (uploads → rag → processing-status / document-ready events). */
  ingestion: IngestionService;
  /** Present when REDIS_URL is set; capabilities fall back to in-memory implementations otherwise. */
  redis: Redis | undefined;
}
