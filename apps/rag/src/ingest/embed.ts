import { EMBEDDING_DIMENSIONS } from '@classchat/db';
import OpenAI from 'openai';
import type { RagConfig } from '../config.js';
import { failures } from './errors.js';

/** Turns texts into `EMBEDDING_DIMENSIONS`-dimensional vectors (one per text, same order). */
export interface Embedder {
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

/**
 * Where ingestion reserves embedding tokens before each batch: rag's tokens-per-minute budget
 * (`apps/rag/src/quota/`, wired in ingest-routes.ts); `unlimitedEmbeddingBudget` reserves nothing.
 */
export interface EmbeddingTokenBudget {
  /** Resolves when `tokens` may be spent now (may wait for the budget to refill); rejects on abort. */
  reserve(tokens: number, signal?: AbortSignal): Promise<void>;
}

export const unlimitedEmbeddingBudget: EmbeddingTokenBudget = { reserve: () => Promise.resolve() };

/** Texts per embeddings request. */
export const EMBEDDING_BATCH_SIZE = 64;

/** The configured OpenAI-compatible embeddings endpoint, or null when embeddings are disabled. */
export function createOpenAIEmbedder(config: RagConfig): Embedder | null {
  if (!config.embeddingsEnabled) return null;
  const client = new OpenAI({
    apiKey: config.OPENAI_API_KEY ?? 'not-needed',
    ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
    timeout: config.OPENAI_TIMEOUT_MS,
    maxRetries: 2,
  });
  return {
    async embed(texts, signal) {
      const request = requestSignal(signal);
      const res = await client.embeddings
        .create(
          { model: config.OPENAI_EMBEDDING_MODEL, input: texts, dimensions: EMBEDDING_DIMENSIONS },
          request ? { signal: request.signal } : {},
        )
        .finally(() => request?.release());
      const vectors = [...res.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
      if (vectors.length !== texts.length || vectors.some((v) => v.length !== EMBEDDING_DIMENSIONS)) {
        throw new Error(
          `embeddings endpoint answered ${vectors.length} vectors of ${vectors[0]?.length ?? 0} dimensions ` +
            `for ${texts.length} texts (expected ${EMBEDDING_DIMENSIONS})`,
        );
      }
      return vectors;
    },
  };
}

/**
 * A signal for one request that aborts with `signal`, linked only until `release`. The SDK adds an
 * abort listener to the signal it is given and never removes it, and ingestion hands one signal to
 * every batch of a document: given that signal itself, a 1000-page manual would pile dozens of
 * listeners (and the closures holding each request) on it until the document ends.
 */
function requestSignal(signal: AbortSignal | undefined) {
  if (!signal) return null;
  const request = new AbortController();
  const abort = () => request.abort(signal.reason);
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort, { once: true });
  return { signal: request.signal, release: () => signal.removeEventListener('abort', abort) };
}

/**
 * Embeds `texts` in batches of `batchSize`, reserving each batch's tokens first; reports texts done.
 * Any failure other than an abort becomes the student-facing embedding failure.
 */
export async function embedAll(
  embedder: Embedder,
  texts: readonly string[],
  tokenCounts: readonly number[],
  options: {
    budget?: EmbeddingTokenBudget;
    batchSize?: number;
    signal?: AbortSignal | undefined;
    onProgress?: (done: number, total: number) => void;
    onError?: (err: unknown) => void;
  } = {},
): Promise<number[][]> {
  const batchSize = options.batchSize ?? EMBEDDING_BATCH_SIZE;
  const budget = options.budget ?? unlimitedEmbeddingBudget;
  const out: number[][] = [];
  options.onProgress?.(0, texts.length);
  for (let i = 0; i < texts.length; i += batchSize) {
    options.signal?.throwIfAborted();
    const batch = texts.slice(i, i + batchSize);
    const tokens = tokenCounts.slice(i, i + batchSize).reduce((a, b) => a + b, 0);
    try {
      await budget.reserve(tokens, options.signal);
      out.push(...(await embedder.embed(batch, options.signal)));
    } catch (err) {
      if (options.signal?.aborted) throw err;
      options.onError?.(err);
      throw failures.embedding();
    }
    options.onProgress?.(out.length, texts.length);
  }
  return out;
}
