import { createAuthService, type AuthService } from './auth/auth-service.js';
import { createAnswerLeases, type AnswerLeases } from './chat/answer-leases.js';
import { createChatService, type ChatService } from './chat/chat-service.js';
import { planRetry } from './chat/retry-planner.js';
import { createClassesService, type ClassesService } from './classes/classes-service.js';
import type { ApiContext } from './context.js';
import { createDocumentsService, type DocumentsService } from './documents/documents-service.js';
import { createChatQuota } from './quota/chat-quota.js';
import { createSessionsService, type SessionsService } from './sessions/sessions-service.js';
import { createActiveStreamIndex } from './streaming/active-streams.js';
import { createStreamControlsFor, type StreamControls } from './streaming/controls/index.js';
import { toMessageDto, toSessionDto } from './chat/dto.js';
import { createStreamObserver } from './streaming/index.js';
import { streamOwnerAlive } from './streaming/replay/index.js';

/** The services of one api instance: built once from its context, shared by its routers and sockets. */
export interface ApiServices {
  chat: ChatService;
  sessions: SessionsService;
  auth: AuthService;
  classes: ClassesService;
  documents: DocumentsService;
  /** Stop and resume of running answers (it registers its socket handlers on the instance's server). */
  streamControls: StreamControls;
  /** The running-answer claims this instance holds on sessions. */
  leases: AnswerLeases;
}

/**
 * The composition root's second half (the first, `startApi`, builds the context): every service of
 * the instance, wired to the context's repositories, registry, socket server and rag client. Nothing
 * is shared between two calls except what the contexts share (the database).
 */
export function createApiServices(ctx: ApiContext): ApiServices {
  const { repos, config, logger } = ctx;
  const documents = createDocumentsService({
    repos,
    store: ctx.files,
    ingestion: ctx.ingestion,
    logger,
    limits: { maxUploadBytes: config.maxUploadBytes, userStorageBytes: config.userStorageBytes },
  });
  const leases = createAnswerLeases(repos.answers, { logger });
  const redis = ctx.redis;
  const active = createActiveStreamIndex(ctx.streams, {
    redis,
    ttlMs: (config.STREAM_MAX_DURATION_S + 60) * 1000,
    ...(redis
      ? { ownerAlive: (streamId: string, userId: string) => streamOwnerAlive(redis, streamId, userId) }
      : {}),
    onError: (err, stream) => logger.warn({ err, streamId: stream?.streamId }, 'active stream index failed'),
  });
  return {
    chat: createChatService({
      repos,
      quota: createChatQuota(repos.users, config.FREE_PLAN_MONTHLY_CHATS),
      leases,
      rag: ctx.rag,
      streams: ctx.streams,
      observer: createStreamObserver(logger, ctx.metrics),
      timeouts: {
        idleTimeoutMs: config.STREAM_TIMEOUT_MS,
        maxDurationMs: config.STREAM_MAX_DURATION_S * 1000,
      },
      logger,
      planRetry,
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
      // The statement that saves an answer returns the usage it leaves; otherwise it is read.
      usageRev: () => ctx.userEvents.rev(),
      onUsageSettled: (userId, settled) =>
        settled
          ? ctx.userEvents.usageAsOf(userId, settled.rev, settled.usage)
          : void ctx.userEvents.usage(userId),
    }),
    sessions: createSessionsService(repos, ctx.streams, active, () => ctx.userEvents.rev()),
    auth: createAuthService({
      repos,
      tokens: ctx.tokens,
      freePlanMonthlyChats: config.FREE_PLAN_MONTHLY_CHATS,
      userStorageBytes: config.userStorageBytes,
    }),
    classes: createClassesService({
      repos,
      onDocumentsDeleted: (deleted) => documents.forgetDeleted(deleted),
    }),
    documents,
    streamControls: createStreamControlsFor(ctx),
    leases,
  };
}
