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
}

/** HTTP client for rag's internal API: internal token and request id on every call, errors as AppError. */
export function createRagClient(options: {
  baseUrl: string;
  internalToken: string;
  logger: Logger;
}): RagClient {
  const post = async (
    path: string,
    body: unknown,
    call: RagCallOptions,
    accept: string,
  ): Promise<Response> => {
    let res: Response;
    try {
      res = await fetch(new URL(path, options.baseUrl), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept,
          [INTERNAL_TOKEN_HEADER]: options.internalToken,
          ...(call.requestId ? { [REQUEST_ID_HEADER]: call.requestId } : {}),
        },
        body: JSON.stringify(body),
        ...(call.signal ? { signal: call.signal } : {}),
      });
    } catch (err) {
      if (call.signal?.aborted) throw err;
      options.logger.error({ err, path }, 'rag unreachable');
      throw new AppError(
        'unavailable',
        'The answering service is unavailable. Please try again in a moment.',
      );
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  };

  async function* events<T>(
    res: Response,
    schema: z.ZodType<T>,
    path: string,
  ): AsyncGenerator<T, void, undefined> {
    if (!res.body) return;
    yield* decodeSse(res.body, schema, (issue) =>
      options.logger.warn({ issue, path }, 'malformed SSE event from rag'),
    );
  }

  return {
    async *streamAnswer(body, call = {}) {
      const path = '/api/v1/semantic_search_stream';
      yield* events(await post(path, body, call, 'text/event-stream'), RagStreamEvent, path);
    },
    async answer(body, call = {}) {
      const res = await post('/api/v1/semantic_search', body, call, 'application/json');
      return SemanticSearchResponse.parse(await res.json());
    },
    async *ingest(documentId, userId, call = {}) {
      const path = `/api/v1/documents/${encodeURIComponent(documentId)}/ingest`;
      yield* events(await post(path, { user_id: userId }, call, 'text/event-stream'), IngestEvent, path);
    },
  };
}

async function errorFrom(res: Response): Promise<AppError> {
  const parsed = ErrorBody.safeParse(await res.json().catch(() => null));
  if (parsed.success) return new AppError(parsed.data.code, parsed.data.message);
  return new AppError(
    res.status === 429 ? 'rate_limited' : 'upstream_error',
    `The answering service failed (${res.status})`,
  );
}
