import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Logger } from 'pino';
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
  SseDecoder,
  type SemanticSearchBody,
} from '@classchat/contracts';

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
  /** Closes the idle keep-alive connections (shutdown). */
  close(): void;
}

/**
 * HTTP client for rag's internal API: internal token and request id on every call, errors as
 * AppError. `node:http` with a keep-alive agent rather than `fetch`: a relayed answer is hundreds of
 * small SSE chunks, and a Node stream costs far less CPU per chunk than fetch's web streams.
 */
export function createRagClient(options: {
  baseUrl: string;
  internalToken: string;
  logger: Logger;
}): RagClient {
  const base = new URL(options.baseUrl);
  const secure = base.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });

  const post = async (
    path: string,
    body: unknown,
    call: RagCallOptions,
    accept: string,
  ): Promise<IncomingMessage> => {
    const payload = JSON.stringify(body);
    let res: IncomingMessage;
    try {
      res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = (secure ? https : http).request(new URL(path, base), {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            accept,
            [INTERNAL_TOKEN_HEADER]: options.internalToken,
            ...(call.requestId ? { [REQUEST_ID_HEADER]: call.requestId } : {}),
          },
          ...(call.signal ? { signal: call.signal } : {}),
        });
        req.once('response', resolve);
        req.once('error', reject);
        req.end(payload);
      });
    } catch (err) {
      if (call.signal?.aborted) throw call.signal.reason;
      options.logger.error({ err, path }, 'rag unreachable');
      throw new AppError(
        'unavailable',
        'The answering service is unavailable. Please try again in a moment.',
      );
    }
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) throw errorFrom(status, await readJson(res));
    return res;
  };

  /** rag's SSE response as typed events (the decoder's own generator: one async layer per event). */
  const events = <T>(res: IncomingMessage, schema: z.ZodType<T>, path: string) =>
    decodeSse(res, schema, (issue) => options.logger.warn({ issue, path }, 'malformed SSE event from rag'));

  return {
    async *streamAnswer(body, call = {}) {
      const path = '/api/v1/semantic_search_stream';
      const res = await post(path, body, call, 'text/event-stream');
      const decoder = new SseDecoder(RagStreamEvent, (issue) =>
        options.logger.warn({ issue, path }, 'malformed SSE event from rag'),
      );
      // Under load several tokens arrive in one read: relayed as one, they cost one socket write.
      for await (const chunk of res) yield* coalesceTokens(decoder.push(chunk as Buffer));
      yield* decoder.end();
    },
    async answer(body, call = {}) {
      const res = await post('/api/v1/semantic_search', body, call, 'application/json');
      return SemanticSearchResponse.parse(await readJson(res));
    },
    async *ingest(documentId, userId, call = {}) {
      const path = `/api/v1/documents/${encodeURIComponent(documentId)}/ingest`;
      yield* events(await post(path, { user_id: userId }, call, 'text/event-stream'), IngestEvent, path);
    },
    close: () => agent.destroy(),
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
async function readJson(res: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
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
