import express, { type Express } from 'express';
import {
  errorMiddleware,
  healthRoutes,
  httpLogging,
  notFoundHandler,
  redisReadiness,
} from '@classchat/service';
import { authRoutes } from './auth/auth-routes.js';
import { createChatRouter } from './chat/chat-router.js';
import { classesRouter } from './classes/classes-routes.js';
import type { ApiServices } from './compose.js';
import type { ApiContext } from './context.js';
import { documentsRouter } from './documents/documents-routes.js';
import { internalRouter } from './internal/internal-routes.js';
import { csrfGuard, originGuard, securityHeaders } from './security/http-guards.js';
import { sessionsRouter } from './sessions/sessions-routes.js';
import { streamControlsRouter } from './streaming/controls/index.js';
import { webStatic } from './web-static.js';

/**
 * The api's Express app: health and metrics, the REST API under /api/v1 (each router given its
 * service), and the built front end.
 */
export function createApp(ctx: ApiContext, services: ApiServices): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(httpLogging(ctx.logger));
  app.use(securityHeaders());
  app.use(originGuard(ctx.config.PUBLIC_ORIGIN));
  app.use(
    healthRoutes({
      service: 'api',
      registry: ctx.metrics.registry,
      // The api's port is public: metrics only for a scraper with the token, or not at all.
      metrics: ctx.config.METRICS_TOKEN ? { token: ctx.config.METRICS_TOKEN } : 'off',
      checks: {
        database: async () => {
          await ctx.database.pool.query('select 1');
        },
        rag: async () => {
          const res = await fetch(new URL('/healthz', ctx.config.RAG_URL), {
            signal: AbortSignal.timeout(2000),
          });
          if (!res.ok) throw new Error(`rag answered ${res.status}`);
        },
        ...(ctx.redis ? { redis: redisReadiness(ctx.redis) } : {}),
      },
    }),
  );
  const api = express.Router();
  api.use(csrfGuard());
  api.use(express.json({ limit: '1mb' }));
  api.use('/chat', createChatRouter(ctx, services.chat));
  api.use('/chat/sessions', sessionsRouter(ctx, services.sessions));
  api.use('/chat/streams', streamControlsRouter(ctx, services.streamControls));
  api.use('/user', authRoutes(ctx, services.auth));
  api.use('/classes', classesRouter(ctx, services.classes));
  api.use('/documents', documentsRouter(ctx, services.documents));
  api.use('/internal', internalRouter(ctx));
  api.use(notFoundHandler);
  app.use('/api/v1', api);
  const web = webStatic(ctx.config.WEB_DIST_DIR);
  if (web) app.use(web);
  app.use(notFoundHandler);
  app.use(errorMiddleware(ctx.logger));
  return app;
}
