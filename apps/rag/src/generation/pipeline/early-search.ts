import type { Route, SemanticSearchRequest } from '@classchat/contracts';
import type { PassageDeps, GatheredPassages } from '../../retrieval/passages.js';
import { scopeOf, searchPassages } from '../../retrieval/passages.js';
import { readScopeWords, type ScopeWords } from '../../retrieval/scope-words.js';
import { prefetchQueryEmbedding } from '../../retrieval/search.js';
import { detectRoute } from '../../routing/detect-route.js';
import { routeConfig } from '../../routing/route-config.js';
import { questionToSearch } from '../../routing/search-question.js';

/**
 * A question's search, started before its scope's documents are listed: the question's embedding
 * and the search for its words as they read without naming a document. The plan then takes it
 * when it searches the same words on the same route ({@link takeEarlySearch}); a question that
 * names one of the documents (or a scope with nothing ready) is searched again, or not at all.
 */
export interface EarlySearch {
  route: Route;
  words: ScopeWords;
  queryEmbedding: Promise<number[] | null> | undefined;
  passages: Promise<GatheredPassages>;
  /** Not to be taken: the search is not made if it has not started yet. */
  drop(): void;
}

/**
 * Starts the search of a question whose route searches for it (null for other routes and follow-ups).
 * The question's embedding is asked for now; its words are read and searched for once the requests
 * asked for so far (the embedding, and the scope's listing when the caller asked for it first) are on
 * their sockets. Reading the words (part-of-speech tagging) and building the full-text statement are
 * the longest stretch of CPU before an answer's first statement: done at once, they would hold those
 * requests back, and the listing would reach the database after the full-text statement, between it
 * and the vector statement. A search dropped before it starts is not made.
 */
export function startEarlySearch(
  deps: PassageDeps,
  request: SemanticSearchRequest,
  offline: boolean,
  signal: AbortSignal,
): EarlySearch | null {
  const route = detectRoute(request.user_query, request.chat_history);
  const cfg = routeConfig(route, offline);
  if (route === 'follow_up' || cfg.strategy !== 'search') return null;
  const scope = scopeOf(request);
  const searchText = questionToSearch(request.user_query, request.chat_history);
  const words = readScopeWords(searchText);
  const queryEmbedding = prefetchQueryEmbedding(deps, scope, searchText, signal);
  let dropped = false;
  // In a tick of its own rather than a promise callback: the database client sends the statement in
  // a tick it queues, which then runs before the promise callbacks waiting meanwhile.
  const passages = new Promise<GatheredPassages>((resolve, reject) => {
    process.nextTick(() => {
      if (dropped || signal.aborted) reject(new Error('early search dropped'));
      else {
        resolve(searchPassages(deps, scope, words, cfg, { signal, queryEmbedding }));
      }
    });
  });
  // Not taken when the plan searches otherwise (or the answer ends first): not an unhandled rejection.
  passages.catch(() => undefined);
  return {
    route,
    words,
    queryEmbedding,
    passages,
    drop: () => {
      dropped = true;
    },
  };
}

/**
 * Resolves once the sockets written to in this turn so far have their data: Node hands a request to
 * its socket in a `process.nextTick` callback, and ticks run in order, after this turn's promise
 * callbacks and before anything else.
 */
export const afterPendingWrites = () => new Promise<void>((resolve) => process.nextTick(resolve));

/** The early search's passages when the plan searches exactly what it searched; null (and dropped) otherwise. */
export function takeEarlySearch(
  early: EarlySearch | null | undefined,
  route: Route,
  words: ScopeWords,
): Promise<GatheredPassages> | null {
  if (!early) return null;
  const same =
    early.route === route &&
    early.words.query === words.query &&
    JSON.stringify(early.words.focus) === JSON.stringify(words.focus);
  if (same) return early.passages;
  early.drop();
  return null;
}
