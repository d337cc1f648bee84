import http2, { type Http2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { AppError, INTERNAL_TOKEN_HEADER, SemanticSearchBody } from '@classchat/contracts';
import { errorToAnswer, httpLogging, parseInput } from '@classchat/service';
import type { Logger } from 'pino';
import type { RagContext } from '../context.js';
import { streamAnswer, type AnswerServices } from './answer-routes.js';
import { internalTokenError, isInternalToken } from './internal-auth.js';

export const ANSWER_STREAM_PATH = '/api/v1/semantic_search_stream';
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * `POST semantic_search_stream` over cleartext HTTP/2, for the api: every concurrent answer shares
 * one connection, so a burst of new chats needs no new connections (a busy Node process accepts
 * about one per turn of its event loop) and the frames of many answers leave in one socket write.
 * Same pipeline, same SSE framing, same checks, statuses and request logs as the HTTP/1 route.
 */
export function createAnswerStreamH2Server(ctx: RagContext, deps: AnswerServices): Http2Server {
  const logRequest = httpLogging(ctx.logger);
  // Large windows: hundreds of answers share the connection's flow-control window.
  const server = http2.createServer({ settings: { initialWindowSize: 1 << 20 } });
  server.on('session', (session) => {
    session.on('localSettings', () => session.setLocalWindowSize(16 << 20));
  });
  server.on('request', (req: Http2ServerRequest, res: Http2ServerResponse) => {
    // pino-http reads only the request line, headers, status and the finish/close events.
    logRequest(req as never, res as never);
    const log = (req as unknown as { log?: Logger }).log ?? ctx.logger;
    handle(req, res, log).catch((err: unknown) => sendError(res, err, log));
  });
  return server;

  async function handle(req: Http2ServerRequest, res: Http2ServerResponse, log: Logger): Promise<void> {
    if (req.method !== 'POST' || req.url !== ANSWER_STREAM_PATH) {
      throw new AppError('not_found', `No route for ${req.method} ${req.url}`);
    }
    if (!isInternalToken(req.headers[INTERNAL_TOKEN_HEADER], ctx.config.INTERNAL_TOKEN)) {
      throw internalTokenError();
    }
    await streamAnswer(ctx, deps, res, parseInput(SemanticSearchBody, await readJson(req)), log);
  }
}

async function readJson(req: Http2ServerRequest): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new AppError('payload_too_large', 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new AppError('invalid_input', 'Request body is not valid JSON');
  }
}

function sendError(res: Http2ServerResponse, err: unknown, log: Logger): void {
  const error = errorToAnswer(err, log);
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  res.writeHead(error.status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(error.toBody()));
}
