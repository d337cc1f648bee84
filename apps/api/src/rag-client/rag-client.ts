import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { OutgoingHttpHeaders } from 'node:http2';
import type { Logger } from 'pino';
import { chunksOf } from '@classchat/service';
import type { z } from 'zod';
import {
  AppError,
  ErrorBody,
  IngestEvent,
  INTERNAL_TOKEN_HEADER,
  RagStreamEvent,
  REQUEST_ID_HEADER,
  SemanticSearchResponse,
  decodeSse,
  ragTokenEvent,
  SseDecoder,
  type SseDecodeIssue,
  type SemanticSearchBody,
} from '@classchat/contracts';
import { createH2Connection, type RagResponse } from './h2-session.js';

export interface RagCallOptions {
  signal?: AbortSignal;
  requestId?: string;
}

export interface RagClient {
  /** rag's SSE answer as typed events; ends after the terminal `done`/`error` or when rag closes. */
  streamAnswer(
    body: SemanticSearchBody,
    options?: RagCallOptions,
  ): AsyncGenerator<RagStreamEvent, void, undefined>;
  /** The blocking answer (ENABLE_STREAMING=false). */
  answer(body: SemanticSearchBody, options?: RagCallOptions): Promise<SemanticSearchResponse>;
  /** Start ingesting a document; progress events until `ready` or `error`. */
  ingest(
    documentId: string,
    userId: string,
    options?: RagCallOptions,
  ): AsyncGenerator<IngestEvent, void, undefined>;
  /** Closes the connections to rag (shutdown): idle keep-alive ones, and the HTTP/2 one. */
  close(): void;
}

/**
 * HTTP client for rag's internal API: internal token and request id on every call, errors as
 * AppError. Answer streams share one cleartext HTTP/2 connection (see `createH2Connection`); the
 * other calls use `node:http` with a keep-alive agent. Node streams rather than `fetch`: a relayed
 * answer is hundreds of small SSE chunks, and fetch's web streams cost far more CPU per chunk.
 */
export function createRagClient(options: {
  baseUrl: string;
  internalToken: string;
  logger: Logger;
}): RagClient {
  const base = new URL(options.baseUrl);
  const secure = base.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const h2 = secure ? null : createH2Connection(base.origin, options.logger);

  const http1 = (path: string, headers: OutgoingHttpHeaders, payload: string, signal?: AbortSignal) =>
    new Promise<RagResponse>((resolve, reject) => {
      const req = (secure ? https : http).request(new URL(path, base), {
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(payload) },
        ...(signal ? { signal } : {}),
      });
      req.once('response', (res: IncomingMessage) => resolve({ status: res.statusCode ?? 0, body: res }));
      req.once('error', reject);
      req.end(payload);
    });

  const post = async (
    path: string,
    body: unknown,
    call: RagCallOptions,
    accept: string,
    transport: 'http1' | 'h2' = 'http1',
  ): Promise<RagResponse> => {
    const headers = {
      'content-type': 'application/json',
      accept,
      [INTERNAL_TOKEN_HEADER]: options.internalToken,
      ...(call.requestId ? { [REQUEST_ID_HEADER]: call.requestId } : {}),
    };
    const payload = JSON.stringify(body);
    let res: RagResponse;
    try {
      res =
        transport === 'h2' && h2
          ? await h2.post(path, headers, payload, call.signal)
          : await http1(path, headers, payload, call.signal);
    } catch (err) {
      if (call.signal?.aborted) throw call.signal.reason;
      options.logger.error({ err, path }, 'rag unreachable');
      throw new AppError(
        'unavailable',
        'The answering service is unavailable. Please try again in a moment.',
      );
    }
    if (res.status < 200 || res.status > 299) throw errorFrom(res.status, await readJson(res.body));
    return res;
  };

  const malformed = (path: string) => (issue: SseDecodeIssue) =>
    options.logger.warn({ issue, path }, 'malformed SSE event from rag');
  /** rag's SSE response as typed events (the decoder's own generator: one async layer per event). */
  const events = <T>(res: RagResponse, schema: z.ZodType<T>, path: string) =>
    decodeSse(res.body, schema, malformed(path));

  return {
    async *streamAnswer(body, call = {}) {
      const path = '/api/v1/semantic_search_stream';
      const res = await post(path, body, call, 'text/event-stream', 'h2');
      const decoder = new SseDecoder(RagStreamEvent, malformed(path), ragTokenEvent);
      let terminal = false;
      try {
        for await (const chunk of chunksOf<Buffer>(res.body)) {
          // Under load several tokens arrive in one read: relayed as one, they cost one socket write.
          for (const event of coalesceTokens(decoder.push(chunk))) {
            terminal ||= event.type === 'done' || event.type === 'error';
            yield event;
          }
        }
        yield* decoder.end();
      } finally {
        // After its last event rag ends the stream itself: let it, instead of resetting it. An
        // HTTP/2 server counts a peer's stream resets and closes a connection that resets too
        // often (rapid-reset protection), which would fail every answer on it.
        if (!res.body.readableEnded) {
          if (terminal) res.body.resume();
          else res.body.destroy();
        }
      }
    },
    async answer(body, call = {}) {
      const res = await post('/api/v1/semantic_search', body, call, 'application/json');
      return SemanticSearchResponse.parse(await readJson(res.body));
    },
    async *ingest(documentId, userId, call = {}) {
      const path = `/api/v1/documents/${encodeURIComponent(documentId)}/ingest`;
      yield* events(await post(path, { user_id: userId }, call, 'text/event-stream'), IngestEvent, path);
    },
    close: () => {
      agent.destroy();
      h2?.close();
    },
  };
}

/** Consecutive `token` events joined into one (their texts concatenated); other events unchanged. */
export function coalesceTokens(events: readonly RagStreamEvent[]): RagStreamEvent[] {
  const out: RagStreamEvent[] = [];
  for (const event of events) {
    const last = out[out.length - 1];
    if (event.type === 'token' && last?.type === 'token') {
      out[out.length - 1] = { type: 'token', content: last.content + event.content };
    } else {
      out.push(event);
    }
  }
  return out;
}

/** The whole body as JSON; null when it is not JSON. */
async function readJson(body: AsyncIterable<Buffer>): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

function errorFrom(status: number, body: unknown): AppError {
  const parsed = ErrorBody.safeParse(body);
  if (parsed.success) return new AppError(parsed.data.code, parsed.data.message);
  return new AppError(
    status === 429 ? 'rate_limited' : 'upstream_error',
    `The answering service failed (${status})`,
  );
}
