import type { Route } from '@classchat/contracts';

/** How the context of an answer is gathered. */
export type ContextStrategy =
  /** Hybrid search for the question: the top `k` of `candidates` per leg, fused. */
  | 'search'
  /** The chunks the previous answer was given (its `chunkReferences`), reloaded by id; no search. */
  | 'previous'
  /** Chunks spread over the whole document or class, plus a few search hits for named topics. */
  | 'spread';

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
  },
};
