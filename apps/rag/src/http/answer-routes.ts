import { Router } from 'express';
import type { Logger } from 'pino';
import { SemanticSearchBody, type SemanticSearchRequest } from '@classchat/contracts';
import { parseInput } from '@classchat/service';
import type { RagContext } from '../context.js';
import { answerEvents, collectAnswer, type AnswerDeps } from '../generation/answer-pipeline.js';
import { createChatClient, openAIModel } from '../generation/model.js';
import { rememberedListings } from '../retrieval/scope-listing.js';
import { createOpenAIQueryEmbedder, embeddedScopes } from '../retrieval/search.js';
import { streamSse, type SseResponse } from '../streaming/sse.js';

/** Everything an answer needs except the per-request logger. */
export type AnswerServices = Omit<AnswerDeps, 'logger'>;

/** The answer services of a rag process: created once, shared by its HTTP/1.1 and HTTP/2 routes. */
export function createAnswerDeps(ctx: RagContext): AnswerServices {
  const { config } = ctx;
  const client = config.llmEnabled || config.embeddingsEnabled ? createChatClient(config) : null;
  return {
    chunks: ctx.repos.chunks,
    documents: rememberedListings(ctx.repos.documents),
    embedder:
      client && config.embeddingsEnabled
        ? createOpenAIQueryEmbedder(client, config.OPENAI_EMBEDDING_MODEL, {
            timeoutMs: Math.min(config.OPENAI_TIMEOUT_MS, 15_000),
          })
        : null,
    model:
      client && config.llmEnabled
        ? openAIModel(client, {
            model: config.OPENAI_CHAT_MODEL,
            streaming: config.OPENAI_STREAMING_ENABLED,
            // api.openai.com wants max_completion_tokens; compatible servers know max_tokens.
            useMaxCompletionTokens: !config.OPENAI_BASE_URL,
          })
        : null,
    embeddedScopes: embeddedScopes(),
    tokenBudget: ctx.tokenBudget,
    metrics: ctx.metrics,
    settings: {
      chunkSize: config.STREAM_CHUNK_SIZE,
      coalesceMs: config.STREAM_COALESCE_MS,
      maxDurationS: config.STREAM_MAX_DURATION_S,
      offlineTokenDelayMs: config.OFFLINE_TOKEN_DELAY_MS,
    },
  };
}

/**
 * One validated answer request streamed as SSE on `res` (HTTP/1.1 or HTTP/2), with keepalives; the
 * pipeline stops when the caller goes away.
 */
export async function streamAnswer(
  ctx: RagContext,
  deps: AnswerServices,
  res: SseResponse,
  body: SemanticSearchRequest,
  logger: Logger,
): Promise<void> {
  const controller = new AbortController();
  await streamSse(res, answerEvents({ ...deps, logger }, body, { signal: controller.signal }), {
    keepaliveMs: ctx.config.STREAM_KEEPALIVE_MS,
    keepalive: () => ({ type: 'keepalive' }),
    controller,
  });
}

/**
 * `POST semantic_search` (blocking JSON) and `POST semantic_search_stream` (SSE), both over the same
 * answer pipeline. Bodies are validated (400) and the token budget reserved (429) before any
 * streaming starts; the internal token is checked by the router this is mounted on.
 */
export function answerRoutes(ctx: RagContext, deps: AnswerServices): Router {
  const router = Router();

  router.post('/semantic_search_stream', async (req, res) => {
    await streamAnswer(ctx, deps, res, parseInput(SemanticSearchBody, req.body), req.log);
  });

  router.post('/semantic_search', async (req, res) => {
    const body = parseInput(SemanticSearchBody, req.body);
    const controller = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) controller.abort();
    };
    res.once('close', onClose);
    try {
      const answer = await collectAnswer(
        answerEvents({ ...deps, logger: req.log }, body, { signal: controller.signal }),
      );
      if (!controller.signal.aborted) res.json(answer);
    } finally {
      res.off('close', onClose);
    }
  });

  return router;
}
