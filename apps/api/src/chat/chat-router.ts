import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import express, { type Request, type RequestHandler, type Router } from 'express';
import { ChatNewBody } from '@classchat/contracts';
import { createRepositories } from '@classchat/db';
import { parseInput } from '@classchat/service';
import { requireAuth, userIdOf } from '../auth/require-auth.js';
import type { ApiContext } from '../context.js';
import { createChatQuota } from '../quota/chat-quota.js';
import { createStreamObserver, openSseResponse, sseResponseSink } from '../streaming/index.js';
import { createChatService, type ChatService, type ChatServiceDeps } from './chat-service.js';
import { toMessageDto, toSessionDto } from './dto.js';
import { sourceFromHeader } from './history.js';
import { createRetryPlanner } from './retry-planner.js';

const receivedAt = new WeakMap<Request, number>();

/** Notes when the request arrived: first-token latency is measured from here. */
const markReceived: RequestHandler = (req, _res, next) => {
  receivedAt.set(req, performance.now());
  next();
};

const wantsSse = (req: Request): boolean => (req.get('accept') ?? '').includes('text/event-stream');

/** The chat service of an api context (quota, rag, stream registry, logs and metrics from it). */
export function createChatServiceFor(
  ctx: ApiContext,
  overrides: Partial<Pick<ChatServiceDeps, 'planRetry'>> = {},
): ChatService {
  const repos = createRepositories(ctx.database.db);
  return createChatService({
    database: ctx.database,
    quota: createChatQuota(repos.users, ctx.config.FREE_PLAN_MONTHLY_CHATS),
    rag: ctx.rag,
    streams: ctx.streams,
    observer: createStreamObserver(ctx.logger, ctx.metrics),
    timeouts: {
      idleTimeoutMs: ctx.config.STREAM_TIMEOUT_MS,
      maxDurationMs: ctx.config.STREAM_MAX_DURATION_S * 1000,
    },
    logger: ctx.logger,
    planRetry: createRetryPlanner(ctx.streams),
    // The user's other tabs get the rows as written: no extra reads while answers stream.
    onTurnPlanned: (userId, turn) => {
      if (turn.session.ephemeral) return;
      ctx.userEvents.emit(userId, { type: 'session-updated', session: toSessionDto(turn.session) });
      if (turn.userMessage) {
        ctx.userEvents.emit(userId, {
          type: 'message-updated',
          sessionId: turn.session.id,
          message: toMessageDto(turn.userMessage),
        });
      }
    },
    onAnswerSaved: (userId, row) =>
      ctx.userEvents.emit(userId, {
        type: 'message-updated',
        sessionId: row.sessionId,
        message: toMessageDto(row),
      }),
    ...overrides,
  });
}

/**
 * `/api/v1/chat`: `POST new` answers 202 {chatSessionId, streamId, userMessageId} and streams to the
 * user's Socket.IO room; with `Accept: text/event-stream` the response is the stream itself (SSE);
 * with ENABLE_STREAMING=false it is the finished session (200).
 */
export function createChatRouter(ctx: ApiContext, service: ChatService = createChatServiceFor(ctx)): Router {
  const router = express.Router();

  router.post('/new', markReceived, requireAuth(ctx.tokens), async (req, res) => {
    const request = {
      userId: userIdOf(req),
      body: parseInput(ChatNewBody, req.body ?? {}),
      source: sourceFromHeader(req.headers['x-source']),
      requestId: typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : randomUUID(),
      receivedAt: receivedAt.get(req) ?? performance.now(),
    };
    if (!ctx.config.ENABLE_STREAMING) {
      res.status(200).json(await service.answerBlocking(request));
      void ctx.userEvents.usage(request.userId);
      return;
    }
    if (!wantsSse(req)) {
      const started = await service.startStream(request);
      res.status(202).json(started.accepted);
      void started.finished.then(() => ctx.userEvents.usage(request.userId));
      return;
    }
    // SSE: errors before the stream (validation, quota, 404) are still plain JSON answers; once the
    // stream runs, its events are the response. A client going away only drops its copy (the sink
    // ignores a closed response and leaves with the stream).
    const sink = sseResponseSink(res);
    const { accepted, finished } = await service.startStream(request, { sinks: [sink] });
    void finished.then(() => ctx.userEvents.usage(request.userId));
    if (!res.headersSent) {
      openSseResponse(res, {
        'x-chat-session-id': accepted.chatSessionId,
        'x-stream-id': accepted.streamId,
        ...(accepted.userMessageId ? { 'x-user-message-id': accepted.userMessageId } : {}),
      });
    }
  });

  return router;
}
