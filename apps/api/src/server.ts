import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Express } from 'express';
import { connect, createRepositories, migrate } from '@classchat/db';
import { createLogger, connectRedis, serveHttp, type ServingHttp } from '@classchat/service';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { createApiServices, type ApiServices } from './compose.js';
import { createTokenService } from './auth/tokens.js';
import type { ApiConfig } from './config.js';
import type { ApiContext } from './context.js';
import { createFileStore } from './documents/file-store.js';
import { createIngestionService } from './ingestion/ingestion.js';
import { createApiMetrics } from './observability/metrics.js';
import { createRagClient } from './rag-client/rag-client.js';
import { createRealtime } from './realtime/socket-server.js';
import { createUserEventPublisher } from './realtime/user-events.js';
import { createStreamRegistry } from './streaming/index.js';

export interface RunningApi extends Omit<ServingHttp, 'close'> {
  ctx: ApiContext;
  services: ApiServices;
  stop(): Promise<void>;
}

/**
 * Boot the api: migrate, connect, serve HTTP and Socket.IO on config.PORT (0 = a free port). The
 * composition root: everything the instance uses is built here once (the context, then its services)
 * and passed in; two calls build two independent instances.
 */
export async function startApi(config: ApiConfig, options: { logger?: Logger } = {}): Promise<RunningApi> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL, 'api');
  const stores = await openStores(config, logger);
  // Express must be the server's request listener before Socket.IO attaches (it wraps the listeners
  // present at attach time), and the app needs the realtime hub: bind the app once both exist.
  const bound: { app?: Express } = {};
  const httpServer = createServer((req: IncomingMessage, res: ServerResponse) => {
    bound.app?.(req, res);
  });
  const ctx = createContext(config, logger, stores, httpServer);
  const services = createApiServices(ctx);
  bound.app = createApp(ctx, services);
  const http = await serveHttp(httpServer, config.PORT, config.HOST);
  logger.info({ url: http.url }, 'api listening');
  // Documents left `uploaded`/`processing` by a previous run (api or rag stopped mid-ingestion).
  await ctx.ingestion.resumeUnfinished().catch((err: unknown) => {
    logger.error({ err }, 'could not re-queue unfinished ingestions');
  });
  return { ...http, ctx, services, stop: () => stopApi(ctx, services, http) };
}

type Stores = Pick<ApiContext, 'database' | 'repos' | 'redis'>;

/** The migrated database, its repositories and Redis (when configured). */
async function openStores(config: ApiConfig, logger: Logger): Promise<Stores> {
  await migrate(config.DATABASE_URL);
  const database = connect(config.DATABASE_URL);
  const repos = createRepositories(database.db);
  const redis = await connectRedis(config.REDIS_URL, {
    logger,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
  });
  return { database, repos, redis };
}

/** Everything the instance's capabilities are built from, around its stores and its HTTP server. */
function createContext(config: ApiConfig, logger: Logger, stores: Stores, httpServer: Server): ApiContext {
  const { repos, redis } = stores;
  const tokens = createTokenService(config.JWT_SECRET, config.JWT_TTL_S, {
    current: (userId) => repos.users.tokenVersion(userId),
    revoke: async (userId) => void (await repos.users.revokeTokens(userId)),
  });
  const realtime = createRealtime(httpServer, {
    tokens,
    logger,
    redis,
    publicOrigins: config.PUBLIC_ORIGIN,
  });
  const rag = createRagClient({ baseUrl: config.RAG_URL, internalToken: config.INTERNAL_TOKEN, logger });
  const streams = createStreamRegistry(logger);
  const metrics = createApiMetrics();
  const files = createFileStore(config.filesDir);
  const userEvents = createUserEventPublisher({
    realtime,
    repos,
    logger,
    limits: {
      freePlanMonthlyChats: config.FREE_PLAN_MONTHLY_CHATS,
      userStorageBytes: config.userStorageBytes,
    },
  });
  const ingestion = createIngestionService({
    repos,
    rag,
    realtime,
    logger,
    metrics,
    idleTimeoutMs: config.STREAM_TIMEOUT_MS,
    onFailed: (document) => files.remove(document.storageKey),
    onStatusChanged: (userId, documentId) => {
      void userEvents.document(userId, documentId);
      void userEvents.usage(userId);
    },
  });
  return { ...stores, config, logger, metrics, ingestion, files, tokens, realtime, userEvents, rag, streams };
}

/** Stops taking work, then closes what the instance opened, users before what they use. */
async function stopApi(ctx: ApiContext, services: ApiServices, http: ServingHttp): Promise<void> {
  await ctx.ingestion.close();
  ctx.streams.abortAll('shutdown');
  await ctx.streams.drain();
  services.leases.close();
  await ctx.realtime.close();
  await http.close();
  ctx.rag.close();
  await ctx.database.close();
  ctx.redis?.disconnect();
}
