import {
  AppError,
  type AnswerCoverage,
  type ChatHistoryItem,
  type ChunkReference,
  type RagStreamEvent,
  type Route,
  type SemanticSearchRequest,
  type SemanticSearchResponse,
  type TokenUsage,
} from '@classchat/contracts';
import type { ChunkHit, DocumentsRepository, ScopeDocument } from '@classchat/db';
import type { Logger } from 'pino';
import { finalizeAnswer, toChunkReferences, toCitation } from '../citations/citations.js';
import type { RagMetrics } from '../observability/metrics.js';
import { noMaterialAnswer, notCoveredAnswer, type ScopeKind } from '../prompts/coverage.js';
import { buildPrompt, estimatePromptTokens, fitInOrder } from '../prompts/prompts.js';
import { countTokens, type PromptMessage } from '../prompts/tokens.js';
import type { Reservation, TokenBudget } from '../quota/token-budget.js';
import {
  previousPassages,
  scopeOf,
  searchPassages,
  spreadPassages,
  topicOf,
  type GatheredPassages,
  type PassageDeps,
} from '../retrieval/passages.js';
import { closestSections } from '../retrieval/floor.js';
import { readScopeWords, type ScopeWords } from '../retrieval/scope-words.js';
import { questionToSearch } from '../routing/search-question.js';
import { prefetchQueryEmbedding } from '../retrieval/search.js';
import { detectRoute } from '../routing/detect-route.js';
import { routeConfig, type RouteConfig } from '../routing/route-config.js';
import { CANCELLED, DEADLINE, toStreamFailure, type StreamFailure } from './failures.js';
import { fixedTextModel } from './fixed-answer.js';
import type { AnswerModel } from './model.js';
import {
  composeOfflineAnswer,
  OFFLINE_NOTHING_FOUND,
  retrievalWeights,
  type OfflineAnswer,
} from './offline/index.js';
import { offlineModel } from './offline/stream.js';

export interface AnswerSettings {
  /** Model tokens per `token` event (STREAM_CHUNK_SIZE). */
  chunkSize: number;
  /** STREAM_MAX_DURATION_S. */
  maxDurationS: number;
  /** Pace of offline answers (OFFLINE_TOKEN_DELAY_MS). */
  offlineTokenDelayMs: number;
}

export interface AnswerDeps extends PassageDeps {
  /** Whether the scope has material to answer from, and which documents a question can name. */
  documents: Pick<DocumentsRepository, 'listInScope'>;
  /** The language model; null = offline mode (extractive answers). */
  model: AnswerModel | null;
  tokenBudget: TokenBudget;
  metrics?: RagMetrics;
  logger: Logger;
  settings: AnswerSettings;
}

/**
 * One answer as ONE async pipeline of events: `route`, then `token`s as the model writes them, then
 * exactly one `done` (final content with renumbered citations, chunk references, usage) or `error`.
 *
 * - Problems the caller should answer with an HTTP status (tokens-per-minute budget spent) are
 *   thrown as `AppError` before the first event; after it, every failure is an `error` event.
 * - Aborting `options.signal` (the client went away) or leaving the iteration early (`break`,
 *   `return()`) stops the model call and ends the pipeline without a further event; cleanup
 *   (reservation settled, stream state marked, metrics) runs either way.
 * - `STREAM_MAX_DURATION_S` is enforced: the model call is aborted and a retryable
 *   `stream_too_long` error ends the stream.
 */
export async function* answerEvents(
  deps: AnswerDeps,
  request: SemanticSearchRequest,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<RagStreamEvent, void, undefined> {
  const t0 = performance.now();
  const scope = scopeOf(request);
  const query = request.user_query;
  const searchText = questionToSearch(query, request.chat_history);
  const history = request.chat_history.map(({ role, content }) => ({ role, content }));

  // ---- plan (may throw: the caller answers with an HTTP status) ----------------------------------
  let route: Route = detectRoute(query, request.chat_history);
  let previous: ChunkHit[] = [];
  if (route === 'follow_up') {
    const refs = lastAnswerReferences(request.chat_history);
    previous = await previousPassages(
      deps.chunks,
      request.user_id,
      refs.map((r) => r.chunkId),
    );
    if (previous.length === 0) route = 'general_qa';
  }
  const offline = !deps.model;
  const cfg = routeConfig(route, offline);
  const log = deps.logger.child({ userId: request.user_id, sessionId: request.session_id, route });
  const controller = new AbortController();
  // Nothing ready in scope (no documents, an empty class, still processing): a plain answer that
  // calls no model and searches nothing.
  const documents = route === 'follow_up' ? null : await deps.documents.listInScope(scope);
  const noMaterial = documents !== null && !documents.some((d) => d.status === 'ready');
  // The remote embeddings call is the slowest step before the model's: it runs while the budget is
  // reserved and the stream set up.
  const queryEmbedding =
    cfg.strategy === 'search' && route !== 'follow_up' && !noMaterial
      ? prefetchQueryEmbedding(deps, scope, searchText, controller.signal)
      : undefined;

  let reservation: Reservation | null = null;
  if (deps.model && !noMaterial) {
    const estimate =
      estimatePromptTokens({
        route,
        query,
        history,
        historyTokens: cfg.historyTokens,
        contextTokens: cfg.contextTokens,
      }) + cfg.maxOutputTokens;
    reservation = await deps.tokenBudget.reserve(estimate).catch((err: unknown) => {
      controller.abort(CANCELLED);
      throw err;
    });
    if (!reservation) {
      controller.abort(CANCELLED);
      log.warn({ event: 'tpm_exceeded', estimate }, 'tokens-per-minute budget spent');
      throw new AppError(
        'tpm_exceeded',
        'The assistant is at its usage limit for this minute. Please try again shortly.',
      );
    }
  }

  // ---- stream --------------------------------------------------------------------------------------
  const onClientGone = () => controller.abort(CANCELLED);
  if (options.signal?.aborted) onClientGone();
  options.signal?.addEventListener('abort', onClientGone, { once: true });
  const deadline = setTimeout(() => controller.abort(DEADLINE), deps.settings.maxDurationS * 1000);
  const bestEffort = (what: string, work: () => Promise<unknown>) => {
    work().catch((err: unknown) => log.warn({ err }, `stream: ${what} failed`));
  };
  deps.metrics?.streamStarted.inc();
  log.info({ event: 'stream_started', offline: !deps.model }, 'stream started');

  let outcome: 'completed' | 'failed' | 'cancelled' = 'cancelled';
  let failure: StreamFailure | null = null;
  let modelTokens = 0;
  let promptTokens = 0;
  let usage: TokenUsage | null = null;
  let promptMessages: PromptMessage[] = [];
  const signal = controller.signal;

  try {
    yield { type: 'route', route };

    const words = readScopeWords(searchText, documents?.filter((d) => d.status === 'ready') ?? []);
    const gathered: GatheredPassages | null = noMaterial
      ? null
      : route === 'follow_up'
        ? { passages: fitInOrder(previous, cfg.contextTokens), mode: 'previous', covered: true, terms: [] }
        : await untilAborted(gatherPassages(deps, scope, words, cfg, signal, queryEmbedding), signal);
    // Offline, a covered question's answer is composed from the passages before it is written out:
    // its citations (one per quoted sentence) are known up front. When no sentence answers, the
    // question is not covered after all.
    const composed: OfflineAnswer | null =
      offline && gathered?.covered ? composeOffline(route, words, gathered, request) : null;
    const uncovered = composed?.citations.length === 0;
    const passages = !gathered ? [] : uncovered ? closestSections(gathered.passages) : gathered.passages;
    const coverage: AnswerCoverage = !gathered
      ? 'no_material'
      : gathered.covered && !uncovered
        ? 'grounded'
        : 'not_covered';
    const grounded = coverage === 'grounded' ? composed : null;
    log.debug(
      { mode: gathered?.mode, passages: passages.length, coverage, named: words.named },
      'context gathered',
    );

    yield {
      type: 'sources',
      citations: grounded ? grounded.citations : passages.map((p, i) => toCitation(p, i + 1)),
      chunkReferences: toChunkReferences(passages),
      coverage,
    };
    let model: AnswerModel;
    if (coverage !== 'grounded') {
      model = fixedTextModel(uncoveredAnswer(coverage, documents ?? [], scopeKind(request), passages, words));
    } else if (grounded || !deps.model) {
      model = offlineModel(grounded?.markdown ?? OFFLINE_NOTHING_FOUND, deps.settings.offlineTokenDelayMs);
    } else {
      const prompt = buildPrompt({ route, query, history, passages, historyTokens: cfg.historyTokens });
      promptTokens = prompt.promptTokens;
      model = deps.model;
      promptMessages = prompt.messages;
    }

    let content = '';
    let pending = '';
    let pendingCount = 0;
    const events = model(
      { messages: promptMessages, temperature: cfg.temperature, maxOutputTokens: cfg.maxOutputTokens },
      signal,
    );
    for await (const event of events) {
      if (event.type === 'usage') {
        usage = event.usage;
        continue;
      }
      content += event.text;
      pending += event.text;
      pendingCount += 1;
      modelTokens += 1;
      if (pendingCount >= deps.settings.chunkSize) {
        if (modelTokens === pendingCount) firstToken(deps, log, t0);
        const chunk = pending;
        pending = '';
        pendingCount = 0;
        yield { type: 'token', content: chunk };
      }
    }
    // The SDK ends a stream quietly when it is aborted: an abort is never a completion.
    if (signal.aborted) throw signal.reason;
    if (pending) {
      if (modelTokens === pendingCount) firstToken(deps, log, t0);
      yield { type: 'token', content: pending };
    }

    const final = grounded
      ? { content: grounded.markdown, citations: grounded.citations }
      : finalizeAnswer(content, passages);
    usage ??= {
      promptTokens,
      completionTokens: countTokens(content),
      totalTokens: promptTokens + countTokens(content),
    };
    outcome = 'completed';
    yield {
      type: 'done',
      content: final.content,
      citations: final.citations,
      chunkReferences: toChunkReferences(passages),
      usage,
      coverage,
      ...(grounded?.study ? { study: grounded.study } : {}),
    };
  } catch (err) {
    failure = toStreamFailure(err, signal.aborted ? signal.reason : undefined, deps.settings.maxDurationS);
    if (failure.code === 'cancelled') {
      outcome = 'cancelled';
      return;
    }
    outcome = 'failed';
    log.warn(
      { event: 'stream_failed', code: failure.code, tokens: modelTokens, err, durationMs: since(t0) },
      'stream failed',
    );
    yield { type: 'error', message: failure.message, code: failure.code, retryable: failure.retryable };
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onClientGone);
    if (!signal.aborted && outcome !== 'completed') controller.abort(CANCELLED);
    const durationMs = since(t0);
    if (reservation) {
      // Completed: what the model reports. Failed or cancelled: nothing before the first token,
      // otherwise the prompt plus what was written.
      const spent =
        outcome === 'completed'
          ? (usage?.totalTokens ?? 0)
          : modelTokens === 0
            ? 0
            : promptTokens + modelTokens;
      bestEffort('settle', () => deps.tokenBudget.settle(reservation, spent));
    }
    deps.metrics?.streamDuration.observe(durationMs / 1000);
    if (outcome === 'completed') {
      deps.metrics?.streamCompleted.inc();
      log.info(
        {
          event: 'stream_completed',
          tokens: modelTokens,
          completionTokens: usage?.completionTokens,
          promptTokens: usage?.promptTokens,
          durationMs,
        },
        'stream completed',
      );
    } else {
      const code = failure?.code ?? 'cancelled';
      deps.metrics?.streamFailed.inc({ reason: code });
      if (outcome === 'cancelled') {
        log.info(
          { event: 'stream_cancelled', tokens: modelTokens, durationMs },
          'stream cancelled by the client',
        );
      }
    }
  }
}

/** What the student asked in, for the "no material" answer. */
function scopeKind(request: SemanticSearchRequest): ScopeKind {
  return request.doc_id ? 'document' : request.class_name ? 'class' : 'all';
}

/** The text of an answer that does not stand on the material (no model is called for it). */
function uncoveredAnswer(
  coverage: Exclude<AnswerCoverage, 'grounded'>,
  documents: readonly ScopeDocument[],
  scope: ScopeKind,
  closest: readonly ChunkHit[],
  words: ScopeWords,
): string {
  if (coverage === 'no_material') return noMaterialAnswer(documents, scope);
  return notCoveredAnswer({
    closest,
    named: words.named,
    processing: documents.filter((d) => d.status === 'uploaded' || d.status === 'processing'),
  });
}

/**
 * The passages a route reads: a search for the question, a spread over the scope, or a search for
 * the topic it names ("quiz me on factors"; a spread when it names none).
 */
function gatherPassages(
  deps: AnswerDeps,
  scope: ReturnType<typeof scopeOf>,
  words: ScopeWords,
  cfg: RouteConfig,
  signal: AbortSignal,
  queryEmbedding: Promise<number[] | null> | undefined,
): Promise<GatheredPassages> {
  const topic = cfg.strategy === 'topic' ? topicOf(words.query) : null;
  if (topic) return searchPassages(deps, scope, { ...words, query: topic }, cfg, { signal });
  if (cfg.strategy === 'search') return searchPassages(deps, scope, words, cfg, { signal, queryEmbedding });
  return spreadPassages(deps, scope, words, cfg, signal);
}

/**
 * The offline answer of a route over the gathered passages, weighing the question's terms as
 * retrieval did. A question that names a part of the material is answered from that part when it
 * answers (retrieval ranks the part up but keeps the rest).
 */
function composeOffline(
  route: Route,
  words: ScopeWords,
  gathered: GatheredPassages,
  request: SemanticSearchRequest,
): OfflineAnswer {
  const weights = retrievalWeights(gathered.terms);
  const compose = (passages: readonly ChunkHit[]) =>
    composeOfflineAnswer({
      // A question that names a part and nothing else ("what is on page 17?") is told that part.
      route: gathered.mode === 'focus' ? 'summary' : route,
      question: words.query,
      passages,
      topic: topicOf(words.query),
      shown: request.shown_spans,
      previous: route === 'follow_up' ? lastExchange(request.chat_history) : null,
      ...(weights ? { weights } : {}),
    });
  const focused = words.focus ? gathered.passages.filter(inFocus) : [];
  if (focused.length > 0 && focused.length < gathered.passages.length) {
    const answer = compose(focused);
    if (answer.citations.length > 0) return answer;
  }
  return compose(gathered.passages);
}

/** Whether full-text search found a passage in the part of the material the question names. */
const inFocus = (p: ChunkHit): boolean => 'inFocus' in p && p.inFocus === true;

/** The last question and answer of the history (what an offline follow-up continues). */
export function lastExchange(
  history: readonly ChatHistoryItem[],
): { question: string; answer: string } | null {
  let answer: string | null = null;
  for (let i = history.length - 1; i >= 0; i--) {
    const item = history[i]!;
    if (answer === null && item.role === 'assistant') answer = item.content;
    else if (answer !== null && item.role === 'user') return { question: item.content, answer };
  }
  return null;
}

/** The chunk references of the last assistant answer in the history (what `follow_up` reuses). */
export function lastAnswerReferences(history: readonly ChatHistoryItem[]): ChunkReference[] {
  for (let i = history.length - 1; i >= 0; i--) {
    const item = history[i]!;
    if (item.role === 'assistant') return item.chunkReferences;
  }
  return [];
}

/**
 * The blocking answer (`semantic_search`): runs the same pipeline to its end. An `error` event
 * becomes a thrown `AppError`.
 */
export async function collectAnswer(events: AsyncIterable<RagStreamEvent>): Promise<SemanticSearchResponse> {
  let route: Route = 'general_qa';
  for await (const event of events) {
    switch (event.type) {
      case 'route':
        route = event.route;
        break;
      case 'done':
        return {
          message: event.content,
          route,
          citations: event.citations,
          chunkReferences: event.chunkReferences,
          usage: event.usage,
          ...(event.coverage ? { coverage: event.coverage } : {}),
          ...(event.study ? { study: event.study } : {}),
        };
      case 'error':
        throw new AppError(event.code, event.message);
      case 'sources':
      case 'token':
      case 'keepalive':
        break;
    }
  }
  throw new AppError('stream_interrupted', 'The answer ended unexpectedly. Please try again.');
}

function firstToken(deps: AnswerDeps, log: Logger, t0: number): void {
  const latencyMs = since(t0);
  deps.metrics?.streamFirstToken.observe(latencyMs / 1000);
  log.info({ event: 'stream_first_token', latencyMs }, 'first token');
}

const since = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;

/** `promise`, or a rejection with the signal's reason as soon as it aborts (work that cannot be aborted). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
