import { setTimeout as sleep } from 'node:timers/promises';
import type {
  ChunkHit,
  ChunkScope,
  ChunksRepository,
  FullTextMatch,
  RankingParams,
  SearchFocus,
} from '@classchat/db';
import { EMBEDDING_DIMENSIONS, QUESTION_WORDS } from '@classchat/db';
import type OpenAI from 'openai';
import type { Logger } from 'pino';
import { stemmer } from 'stemmer';
import { isRetryable, requestJson, requestsLike, upstreamAgents } from '../generation/upstream-http.js';
import { bestTermMatch } from './floor.js';
import { reciprocalRankFusion } from './fusion.js';
import { readQuestionWords } from './light-words.js';
import { relatedWords } from './related-words.js';
import { weightedTerms, type WeightedTerm } from './terms.js';

/** Turns a question into a vector comparable with the stored chunk embeddings. */
export interface QueryEmbedder {
  embedQuery(text: string, signal?: AbortSignal): Promise<number[]>;
}

/** How long a failed query embedding waits before its one retry (the SDK's first backoff). */
export const EMBED_RETRY_DELAY_MS = 500;

/**
 * Query embeddings as the OpenAI SDK would request them (`dimensions: 512`, as the chunks were
 * embedded; base64-encoded floats), sent with `node:http` on kept-alive connections: the request is
 * on the path to every answer's first token, and the SDK's `fetch` costs about three times the CPU
 * and a millisecond more. A failure that the SDK would retry (no answer, 408/409/429/5xx) is tried
 * once more after {@link EMBED_RETRY_DELAY_MS}; `timeoutMs` bounds each attempt until its response.
 */
export function createOpenAIQueryEmbedder(
  client: OpenAI,
  model: string,
  options: { timeoutMs?: number; retryDelayMs?: number } = {},
): QueryEmbedder {
  const agents = upstreamAgents();
  const retryDelayMs = options.retryDelayMs ?? EMBED_RETRY_DELAY_MS;
  const bodyOf = (text: string) => ({
    model,
    input: text,
    dimensions: EMBEDDING_DIMENSIONS,
    encoding_format: 'base64',
  });
  const requests = requestsLike((body) =>
    client.buildRequest({
      method: 'post',
      path: '/embeddings',
      body,
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    }),
  );
  const once = async (text: string, signal: AbortSignal): Promise<number[]> => {
    const body = bodyOf(text);
    const built = requests.reuse(body) ?? (await requests.build(body));
    return embeddingOf(await requestJson(built, agents, signal));
  };
  return {
    async embedQuery(text, signal = new AbortController().signal) {
      try {
        return await once(text, signal);
      } catch (err) {
        if (signal.aborted || !isRetryable(err)) throw err;
        await sleep(retryDelayMs, undefined, { signal });
        return once(text, signal);
      }
    },
  };
}

/** The vector of an embeddings response: base64 little-endian float32s (or a plain array, from servers that send one). */
function embeddingOf(response: unknown): number[] {
  const data = (response as { data?: { embedding?: unknown }[] } | null)?.data;
  const raw = data?.[0]?.embedding;
  let vector: number[] | undefined;
  if (typeof raw === 'string') {
    const bytes = Buffer.from(raw, 'base64');
    vector = Array.from({ length: bytes.length >> 2 }, (_, i) => bytes.readFloatLE(i * 4));
  } else if (Array.isArray(raw)) {
    vector = raw as number[];
  }
  if (!vector || vector.length !== EMBEDDING_DIMENSIONS) {
    throw new Error(
      `embeddings endpoint answered ${vector?.length ?? 0} dimensions, expected ${EMBEDDING_DIMENSIONS}`,
    );
  }
  return vector;
}

export type SearchRepository = Pick<
  ChunksRepository,
  'fullTextSearch' | 'vectorSearch' | 'countEmbeddedInScope'
>;

/**
 * Scopes with at most this many embedded chunks (a class, a document) are scanned exactly: exact
 * results, and cheaper than walking the HNSW graph for the few percent of the store they hold (see
 * bench/RESULTS.md). Larger scopes use the HNSW index with iterative scan.
 */
export const EXACT_SCAN_MAX = 5000;

export interface SearchDeps {
  chunks: SearchRepository;
  /** Null: full-text only (no embeddings endpoint configured). */
  embedder: QueryEmbedder | null;
  logger?: Pick<Logger, 'warn'>;
  /** Remembers how many embedded chunks scopes hold (saves a query per search); see {@link embeddedScopes}. */
  embeddedScopes?: EmbeddedScopes;
}

/**
 * How many embedded chunks scopes recently held. Only scopes with embeddings are remembered (for
 * `ttlMs`, default 10 minutes): a scope without any is checked again every time, so a newly embedded
 * document is used at once; a remembered count may be stale, which only shifts the exact/HNSW choice
 * (a scope whose documents were all deleted just finds no vector hits). While a scope is remembered,
 * its questions' embeddings are requested before the search (see {@link prefetchQueryEmbedding}):
 * the memory should outlast the minutes between a student's questions.
 */
export interface EmbeddedScopes {
  get(scope: ChunkScope): number | undefined;
  remember(scope: ChunkScope, embeddedChunks: number): void;
}

export function embeddedScopes(
  options: { ttlMs?: number; max?: number; now?: () => number } = {},
): EmbeddedScopes {
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const max = options.max ?? 10_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, { at: number; count: number }>();
  const key = (s: ChunkScope) => `${s.userId}|${s.classId ?? ''}|${s.documentId ?? ''}`;
  return {
    get(scope) {
      const entry = seen.get(key(scope));
      if (!entry) return undefined;
      if (now() - entry.at <= ttlMs) return entry.count;
      seen.delete(key(scope));
      return undefined;
    },
    remember(scope, embeddedChunks) {
      if (embeddedChunks <= 0) return;
      const k = key(scope);
      seen.delete(k);
      seen.set(k, { at: now(), count: embeddedChunks });
      // Insertion order is age order: drop the oldest.
      if (seen.size > max) seen.delete(seen.keys().next().value!);
    },
  };
}

/**
 * Weights of the full-text and vector lists in reciprocal rank fusion (calibrated on the grounding
 * benchmark, see bench/RESULTS.md): BM25 with its title, proximity and scope boosts finds the page
 * a student means more often than embeddings alone, so its ranks count for more.
 */
export const FUSION_WEIGHTS = { fullText: 1, vector: 1 } as const;

export interface SearchOptions {
  /** Results wanted after fusion. */
  k: number;
  /** Candidates fetched per leg before fusion. */
  candidates: number;
  /** Full-text matching (default `any` term, ranked by how many and how close). */
  match?: FullTextMatch;
  signal?: AbortSignal;
  /** The question's embedding, already requested (see {@link prefetchQueryEmbedding}). */
  queryEmbedding?: Promise<number[] | null> | undefined;
  /** The part of the material the question names (ranked up by full-text search). */
  focus?: SearchFocus | null;
  /** Overrides of the full-text ranking (the benchmark's calibration runs). */
  ranking?: Partial<RankingParams>;
  /** Overrides of {@link FUSION_WEIGHTS}. */
  fusion?: { fullText: number; vector: number };
}

export interface SearchResult {
  passages: ChunkHit[];
  /** `hybrid` when the vector leg ran, `full_text` otherwise. */
  mode: 'hybrid' | 'full_text';
  /** The question's terms with their weights in the scope (empty when full-text search found nothing). */
  terms: WeightedTerm[];
  /** The best share of the question's term weight one full-text hit holds (what the relevance floor judges). */
  termMatch: number;
}

/**
 * Hybrid retrieval within `scope` (always restricted to its user): full-text search always, and a
 * vector k-NN search when the scope has embeddings and the question could be embedded; the two
 * fused by weighted reciprocal rank (k = 60). An embeddings failure degrades to full-text, never fails.
 */
export async function hybridSearch(
  deps: SearchDeps,
  scope: ChunkScope,
  query: string,
  options: SearchOptions,
): Promise<SearchResult> {
  const candidates = Math.max(options.k, options.candidates);
  const words = readQuestionWords(query, PHRASING);
  const fullText = deps.chunks.fullTextSearch(scope, query, candidates, {
    match: options.match ?? 'any',
    focus: options.focus,
    ranking: options.ranking,
    // A phrasing word the question names a thing with ("single quotes") is searched, as a light
    // word: it ranks the chunks about that thing and cannot make a scope that never uses it look
    // less covered than the question's other words say.
    ...(words.topical.length > 0 ? { ignoreWords: phrasingWithout(words.topical) } : {}),
    lightWords: [...words.light, ...words.topical],
    expansions: relatedWords(query),
  });
  const vector = vectorLeg(deps, scope, query, candidates, options.signal, options.queryEmbedding);
  const [text, vectorHits] = await Promise.all([fullText, vector]);
  const found = { terms: weightedTerms(text.terms), termMatch: bestTermMatch(text.hits) };
  if (!vectorHits) return { passages: text.hits.slice(0, options.k), mode: 'full_text', ...found };
  const weights = options.fusion ?? FUSION_WEIGHTS;
  return {
    passages: reciprocalRankFusion([text.hits, vectorHits], {
      limit: options.k,
      weights: [weights.fullText, weights.vector],
    }),
    mode: 'hybrid',
    ...found,
  };
}

const PHRASING: ReadonlySet<string> = new Set(QUESTION_WORDS.split(' '));

/** {@link QUESTION_WORDS} without `topical` and the other forms of it ("quote" for "quotes"). */
function phrasingWithout(topical: readonly string[]): string {
  const stems = new Set(topical.map((w) => stemmer(w)));
  return [...PHRASING].filter((w) => !stems.has(stemmer(w))).join(' ');
}

async function vectorLeg(
  deps: SearchDeps,
  scope: ChunkScope,
  query: string,
  candidates: number,
  signal?: AbortSignal,
  prefetched?: Promise<number[] | null>,
): Promise<ChunkHit[] | null> {
  if (!deps.embedder) return null;
  // Count first, so a scope ingested without embeddings costs no embeddings call.
  let embedded = deps.embeddedScopes?.get(scope);
  if (embedded === undefined) {
    embedded = await deps.chunks.countEmbeddedInScope(scope, EXACT_SCAN_MAX + 1);
    if (embedded === 0) return null;
    deps.embeddedScopes?.remember(scope, embedded);
  }
  const embedding = await (prefetched ?? embedOrNull(deps.embedder, deps.logger, query, signal));
  if (!embedding) return null;
  return deps.chunks.vectorSearch(scope, embedding, candidates, { exact: embedded <= EXACT_SCAN_MAX });
}

/**
 * Requests the question's embedding now, when the scope is known to have embeddings, so that it is
 * on its way while the caller does other work (the remote call is the slowest part of retrieval);
 * undefined when the search should decide itself. Pass the result as `queryEmbedding`. Resolves to
 * null when the call failed (the search is then full-text only); rejects only when `signal` aborted.
 */
export function prefetchQueryEmbedding(
  deps: SearchDeps,
  scope: ChunkScope,
  query: string,
  signal?: AbortSignal,
): Promise<number[] | null> | undefined {
  if (!deps.embedder || !deps.embeddedScopes?.get(scope)) return undefined;
  const pending = embedOrNull(deps.embedder, deps.logger, query, signal);
  // Aborted before the search awaits it: not an unhandled rejection.
  pending.catch(() => undefined);
  return pending;
}

async function embedOrNull(
  embedder: QueryEmbedder,
  logger: SearchDeps['logger'],
  query: string,
  signal?: AbortSignal,
): Promise<number[] | null> {
  try {
    return await embedder.embedQuery(query, signal);
  } catch (err) {
    if (signal?.aborted) throw err;
    logger?.warn({ err }, 'query embedding failed; full-text retrieval only');
    return null;
  }
}
