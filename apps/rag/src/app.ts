import express, { type Express } from 'express';
import {
  errorMiddleware,
  healthRoutes,
  httpLogging,
  notFoundHandler,
  redisReadiness,
} from '@classchat/service';
import type { RagContext } from './context.js';
import { answerRoutes, type AnswerServices } from './http/answer-routes.js';
import { requireInternalToken } from './http/internal-auth.js';
import { ingestRoutes, type IngestServices } from './ingest/ingest-routes.js';

/** The services of one rag instance, built once by `startRag` and shared by its routes. */
export interface RagServices {
  answers: AnswerServices;
  ingest: IngestServices;
}

/** rag's Express app: health and metrics open, everything under /api/v1 behind the internal token. */
export function createApp(ctx: RagContext, services: RagServices): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(httpLogging(ctx.logger));
  app.use(
    healthRoutes({
      service: 'rag',
      registry: ctx.metrics.registry,
      checks: {
        database: async () => {
          await ctx.database.pool.query('select 1');
        },
        ...(ctx.redis ? { redis: redisReadiness(ctx.redis) } : {}),
      },
    }),
  );
  const api = express.Router();
  api.use(requireInternalToken(ctx.config.INTERNAL_TOKEN));
  api.use(express.json({ limit: '4mb' }));
  api.use(ingestRoutes(ctx, services.ingest));
  api.use(answerRoutes(ctx, services.answers));
  api.use(notFoundHandler);
  app.use('/api/v1', api);
  app.use(notFoundHandler);
  app.use(errorMiddleware(ctx.logger));
  return app;
}
