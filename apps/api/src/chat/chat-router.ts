import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import express, { type Request, type RequestHandler, type Router } from 'express';
import { ChatNewBody } from '@classchat/contracts';
import { parseInput, stageClock } from '@classchat/service';
import { claimsOf, ensureCurrent, requireAuth } from '../auth/require-auth.js';
import type { ApiContext } from '../context.js';
import { chatSseResponse } from '../streaming/index.js';
import type { ChatService } from './chat-service.js';
import { sourceFromHeader } from './history.js';

const receivedAt = new WeakMap<Request, number>();

/** Notes when the request arrived: first-token latency is measured from here. */
const markReceived: RequestHandler = (req, _res, next) => {
  receivedAt.set(req, performance.now());
  next();
};

/** The request's body; a malformed one is a 400 only for a token still valid (a revoked one is a 401). */
async function bodyOf(req: Request, ctx: ApiContext): Promise<ChatNewBody> {
  try {
    return parseInput(ChatNewBody, req.body ?? {});
  } catch (err) {
    await ensureCurrent(ctx.tokens, req);
    throw err;
  }
}

const wantsSse = (req: Request): boolean => (req.get('accept') ?? '').includes('text/event-stream');

/**
 * `/api/v1/chat`: `POST new` answers 202 {chatSessionId, streamId, userMessageId} and streams to the
 * user's Socket.IO room; with `Accept: text/event-stream` the response is the stream itself (SSE);
 * with ENABLE_STREAMING=false it is the finished session (200).
 */
export function createChatRouter(ctx: ApiContext, service: ChatService): Router {
  const router = express.Router();

  // The token's revocation is checked by the quota reservation, the turn's first statement.
  const auth = requireAuth(ctx.tokens, { revocation: 'checked-by-handler' });
  router.post('/new', markReceived, auth, async (req, res) => {
    const at = receivedAt.get(req) ?? performance.now();
    const stages = stageClock(at);
    stages.mark('authenticated');
    const claims = claimsOf(req);
    const request = {
      userId: claims.userId,
      tokenVersion: claims.version,
      body: await bodyOf(req, ctx),
      source: sourceFromHeader(req.headers['x-source']),
      requestId: typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : randomUUID(),
      receivedAt: at,
      stages,
    };
    if (!ctx.config.ENABLE_STREAMING) {
      res.status(200).json(await service.answerBlocking(request));
      return;
    }
    if (!wantsSse(req)) {
      res.status(202).json((await service.startStream(request)).accepted);
      return;
    }
    // SSE: errors before the stream (validation, quota, 404) are still plain JSON answers; once the
    // stream runs, its events are the response. A client going away only drops its copy (the sink
    // ignores a closed response and leaves with the stream).
    const sse = chatSseResponse(res);
    const { accepted } = await service.startStream(request, { sinks: [sse.sink] });
    sse.open({
      'x-chat-session-id': accepted.chatSessionId,
      'x-stream-id': accepted.streamId,
      ...(accepted.userMessageId ? { 'x-user-message-id': accepted.userMessageId } : {}),
    });
  });

  return router;
}
