import type {
  AnswerCoverage,
  ChatHistoryItem,
  RagStreamEvent,
  Route,
  SemanticSearchRequest,
} from '@classchat/contracts';
import type { ChunkHit } from '@classchat/db';
import { toChunkReferences, toCitation } from '../../citations/citations.js';
import { fitInOrder } from '../../prompts/prompts.js';
import { closestSections } from '../../retrieval/floor.js';
import {
  searchPassages,
  spreadPassages,
  topicOf,
  type GatheredPassages,
  type PassageDeps,
} from '../../retrieval/passages.js';
import { readScopeWords, type ScopeWords } from '../../retrieval/scope-words.js';
import { composeOfflineAnswer, retrievalWeights, type OfflineAnswer } from '../offline/index.js';
import { takeEarlySearch, type EarlySearch } from './early-search.js';
import type { AnswerPlan } from './plan.js';

/** What an answer stands on, decided before any of it is written. */
export interface AnswerContext {
  /** The passages the answer is given (not covered: the closest sections, to point to). */
  passages: ChunkHit[];
  coverage: AnswerCoverage;
  /** Offline and covered: the answer, composed up front (its citations are known before it is written). */
  grounded: OfflineAnswer | null;
  words: ScopeWords;
  /** How the passages were found (null: nothing was read), for logs. */
  mode: GatheredPassages['mode'] | null;
}

export interface GatherOptions {
  offline: boolean;
  /** Aborting it rejects at once, even while a search that cannot be aborted runs. */
  signal: AbortSignal;
  /** The question's embedding, when it was requested early. */
  queryEmbedding?: Promise<number[] | null> | undefined;
  /** The question's search, started before the plan (taken when the plan searches the same). */
  early?: EarlySearch | null;
}

/**
 * The passages of the plan's route and whether they cover the question. Offline, a covered
 * question's answer is composed from them here; when no sentence of them answers, the question is
 * not covered after all.
 */
export async function gatherContext(
  deps: PassageDeps,
  plan: AnswerPlan,
  request: SemanticSearchRequest,
  options: GatherOptions,
): Promise<AnswerContext> {
  const ready = plan.documents?.filter((d) => d.status === 'ready') ?? [];
  const words = readScopeWords(plan.searchText, ready);
  const gathered: GatheredPassages | null = plan.noMaterial
    ? null
    : plan.route === 'follow_up'
      ? {
          passages: fitInOrder(plan.previous, plan.cfg.contextTokens),
          mode: 'previous',
          covered: true,
          terms: [],
        }
      : await untilAborted(gatherPassages(deps, plan, words, options), options.signal);
  if (!gathered) return { passages: [], coverage: 'no_material', grounded: null, words, mode: null };
  const composed =
    options.offline && gathered.covered ? composeOffline(plan.route, words, gathered, request) : null;
  const uncovered = composed?.citations.length === 0;
  const coverage: AnswerCoverage = gathered.covered && !uncovered ? 'grounded' : 'not_covered';
  return {
    passages: uncovered ? closestSections(gathered.passages) : gathered.passages,
    coverage,
    grounded: coverage === 'grounded' ? composed : null,
    words,
    mode: gathered.mode,
  };
}

/** The `sources` event: what the answer will cite, before its first token. */
export function sourcesEvent(context: AnswerContext): Extract<RagStreamEvent, { type: 'sources' }> {
  return {
    type: 'sources',
    citations: context.grounded
      ? context.grounded.citations
      : context.passages.map((p, i) => toCitation(p, i + 1)),
    chunkReferences: toChunkReferences(context.passages),
    coverage: context.coverage,
  };
}

/**
 * The passages a route reads: a search for the question, a spread over the scope, or a search for
 * the topic it names ("quiz me on factors"; a spread when it names none).
 */
function gatherPassages(
  deps: PassageDeps,
  plan: AnswerPlan,
  words: ScopeWords,
  options: GatherOptions,
): Promise<GatheredPassages> {
  const { cfg, scope } = plan;
  const { signal } = options;
  const topic = cfg.strategy === 'topic' ? topicOf(words.query) : null;
  if (topic) return searchPassages(deps, scope, { ...words, query: topic }, cfg, { signal });
  if (cfg.strategy === 'search') {
    const early = takeEarlySearch(options.early, plan.route, words);
    if (early) return early;
    return searchPassages(deps, scope, words, cfg, { signal, queryEmbedding: options.queryEmbedding });
  }
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
function lastExchange(history: readonly ChatHistoryItem[]): { question: string; answer: string } | null {
  let answer: string | null = null;
  for (let i = history.length - 1; i >= 0; i--) {
    const item = history[i]!;
    if (answer === null && item.role === 'assistant') answer = item.content;
    else if (answer !== null && item.role === 'user') return { question: item.content, answer };
  }
  return null;
}

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
