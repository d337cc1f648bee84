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
import type { UserEventPublisher } from '../realtime/user-events.js';
import {
  createChatService,
  type ChatService,
  type ChatServiceDeps,
  type StartedStream,
} from './chat-service.js';
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
    ...overrides,
  });
}

/**
 * Tells the user's other tabs about a turn: the session and the question at once, then the saved
 * answer (or retry version) and the usage meter once the stream is over, whatever its outcome.
 */
export function publishTurn(events: UserEventPublisher, userId: string, started: StartedStream): void {
  const { chatSessionId, userMessageId } = started.accepted;
  void events.session(userId, chatSessionId);
  if (userMessageId) void events.message(userId, chatSessionId, userMessageId);
  void started.finished.then(async (outcome) => {
    if (outcome.kind !== 'failed') {
      await events.session(userId, chatSessionId);
      await events.message(userId, chatSessionId, outcome.saved.messageId);
    }
    await events.usage(userId);
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
      const detail = await service.answerBlocking(request);
      res.status(200).json(detail);
      void ctx.userEvents.session(request.userId, detail.session.id);
      for (const message of detail.messages.slice(-2)) {
        void ctx.userEvents.message(request.userId, detail.session.id, message.id);
      }
      void ctx.userEvents.usage(request.userId);
      return;
    }
    if (!wantsSse(req)) {
      const started = await service.startStream(request);
      res.status(202).json(started.accepted);
      publishTurn(ctx.userEvents, request.userId, started);
      return;
    }
    // SSE: errors before the stream (validation, quota, 404) are still plain JSON answers; once the
    // stream runs, its events are the response. A client going away only drops its copy (the sink
    // ignores a closed response and leaves with the stream).
    const sink = sseResponseSink(res);
    const started = await service.startStream(request, { sinks: [sink] });
    const { accepted } = started;
    publishTurn(ctx.userEvents, request.userId, started);
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
