import type { ChatHistoryItem, ChunkReference, Route, SemanticSearchRequest } from '@classchat/contracts';
import type { ChunkHit, ChunkScope, ChunksRepository, ScopeDocument } from '@classchat/db';
import { trimHistoryCounted, type TrimmedHistory } from '../../prompts/history.js';
import { previousPassages, scopeOf } from '../../retrieval/passages.js';
import type { ScopeListing } from '../../retrieval/scope-listing.js';
import { detectRoute } from '../../routing/detect-route.js';
import { routeConfig, type RouteConfig } from '../../routing/route-config.js';
import { questionToSearch } from '../../routing/search-question.js';

export interface PlanDeps {
  /** Reloads the passages a follow-up continues from. */
  chunks: Pick<ChunksRepository, 'getByIds'>;
  /** Whether the scope has material to answer from, and which documents a question can name. */
  documents: ScopeListing;
}

/** What an answer will do, decided before anything is reserved or streamed. */
export interface AnswerPlan {
  route: Route;
  cfg: RouteConfig;
  scope: ChunkScope;
  query: string;
  /** The question as it is searched for (a short follow-up carries its topic along). */
  searchText: string;
  /**
   * The history the prompt keeps (the newest turns within the route's budget), trimmed and counted on
   * first read: the budget's estimate and the prompt share it; an offline answer never reads it.
   */
  readonly history: TrimmedHistory;
  /** A follow-up's passages: those its last answer was given (empty on other routes). */
  previous: ChunkHit[];
  /** The scope's documents; null on a follow-up (it reads no scope). */
  documents: ScopeDocument[] | null;
  /** Nothing ready in scope: a plain answer that calls no model and searches nothing. */
  noMaterial: boolean;
  /** Whether retrieval will embed the question (so it can be requested early). */
  searches: boolean;
}

/**
 * The route, with its settings, and what it reads. A follow-up whose previous answer left no
 * passages (none cited, or their document deleted) is answered as a new question.
 */
export async function planAnswer(
  deps: PlanDeps,
  request: SemanticSearchRequest,
  offline: boolean,
): Promise<AnswerPlan> {
  const scope = scopeOf(request);
  let route = detectRoute(request.user_query, request.chat_history);
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
  const cfg = routeConfig(route, offline);
  const documents =
    route === 'follow_up' ? null : await deps.documents.listInScope(scope, request.documents_version);
  const noMaterial = documents !== null && !documents.some((d) => d.status === 'ready');
  let history: TrimmedHistory | undefined;
  return {
    route,
    cfg,
    scope,
    query: request.user_query,
    searchText: questionToSearch(request.user_query, request.chat_history),
    get history() {
      history ??= trimHistoryCounted(request.chat_history, cfg.historyTokens, request.user_query);
      return history;
    },
    previous,
    documents,
    noMaterial,
    searches: cfg.strategy === 'search' && route !== 'follow_up' && !noMaterial,
  };
}

/** The chunk references of the last assistant answer in the history (what `follow_up` reuses). */
export function lastAnswerReferences(history: readonly ChatHistoryItem[]): ChunkReference[] {
  for (let i = history.length - 1; i >= 0; i--) {
    const item = history[i]!;
    if (item.role === 'assistant') return item.chunkReferences;
  }
  return [];
}
