import type { Route } from '@classchat/contracts';

/** How the context of an answer is gathered. */
export type ContextStrategy =
  /** Hybrid search for the question: the top `k` of `candidates` per leg, fused. */
  | 'search'
  /** The chunks the previous answer was given (its `chunkReferences`), reloaded by id; no search. */
  | 'previous'
  /** Chunks spread over the whole document or class, plus a few search hits for named topics. */
  | 'spread'
  /** A search for the topic the request names ("quiz me on factors"); `spread` when it names none. */
  | 'topic';

export interface RouteConfig {
  strategy: ContextStrategy;
  /** Passages given to the model (search: fused top-k; spread: at most this many samples). */
  k: number;
  /** Candidates fetched per retrieval leg before fusion (≥ k). */
  candidates: number;
  /** Topical search hits added to a spread sample (spread only). */
  topicalK: number;
  temperature: number;
  maxOutputTokens: number;
  /** Token budget of the numbered context blocks. */
  contextTokens: number;
  /** Token budget of the chat history sent along. */
  historyTokens: number;
  /**
   * Without a model (offline answers) no context window limits what can be read: summaries, guides
   * and quizzes read much more of the material, so every section has its say.
   */
  offline: { k: number; contextTokens: number };
}

/** A route's settings for an answer with or without a model. */
export function routeConfig(route: Route, offline: boolean): RouteConfig {
  const cfg = ROUTE_CONFIG[route];
  return offline ? { ...cfg, ...cfg.offline } : cfg;
}

/** Per-route retrieval and generation settings (SPEC §5). */
export const ROUTE_CONFIG: Readonly<Record<Route, RouteConfig>> = {
  general_qa: {
    strategy: 'search',
    k: 6,
    candidates: 40,
    topicalK: 0,
    temperature: 0.2,
    maxOutputTokens: 800,
    contextTokens: 3500,
    historyTokens: 1500,
    offline: { k: 8, contextTokens: 6000 },
  },
  follow_up: {
    strategy: 'previous',
    k: 12,
    candidates: 0,
    topicalK: 0,
    temperature: 0.3,
    maxOutputTokens: 900,
    contextTokens: 4000,
    historyTokens: 2500,
    offline: { k: 12, contextTokens: 4000 },
  },
  quote_finding: {
    strategy: 'search',
    k: 8,
    candidates: 50,
    topicalK: 0,
    temperature: 0,
    maxOutputTokens: 700,
    contextTokens: 4000,
    historyTokens: 800,
    offline: { k: 10, contextTokens: 8000 },
  },
  generate_study_guide: {
    strategy: 'spread',
    k: 24,
    candidates: 30,
    topicalK: 6,
    temperature: 0.4,
    maxOutputTokens: 1600,
    contextTokens: 7000,
    historyTokens: 800,
    offline: { k: 100, contextTokens: 120_000 },
  },
  summary: {
    strategy: 'spread',
    k: 20,
    candidates: 30,
    topicalK: 4,
    temperature: 0.3,
    maxOutputTokens: 1100,
    contextTokens: 6000,
    historyTokens: 800,
    offline: { k: 120, contextTokens: 150_000 },
  },
  quiz: {
    strategy: 'topic',
    k: 10,
    candidates: 40,
    topicalK: 0,
    temperature: 0.4,
    maxOutputTokens: 1200,
    contextTokens: 5000,
    historyTokens: 800,
    offline: { k: 24, contextTokens: 20_000 },
  },
};
