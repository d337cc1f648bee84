import type { ChunkHit, ChunkScope, ChunksRepository } from '@classchat/db';
import { fitInOrder, thinEvenly } from '../prompts/prompts.js';
import type { RouteConfig } from '../routing/route-config.js';
import { aboveFloor, closestSections } from './floor.js';
import type { ScopeWords } from './scope-words.js';
import { hybridSearch, type SearchDeps, type SearchOptions } from './search.js';
import type { WeightedTerm } from './terms.js';

export interface PassageDeps extends SearchDeps {
  chunks: SearchDeps['chunks'] & Pick<ChunksRepository, 'sampleAcross' | 'getByIds'>;
}

export interface GatheredPassages {
  /** Not covered: the closest sections' best chunks, to point the student to. */
  passages: ChunkHit[];
  /** How they were found, for logs. */
  mode: 'hybrid' | 'full_text' | 'spread' | 'previous' | 'focus';
  /** Whether they answer the question well enough to answer from (the relevance floor). */
  covered: boolean;
  /** The question's weighted terms (searches only; empty otherwise). */
  terms: WeightedTerm[];
}

/** The request's retrieval scope: always the user, optionally one class or one document. */
export function scopeOf(req: {
  user_id: string;
  class_name: string | null;
  doc_id: string | null;
}): ChunkScope {
  return { userId: req.user_id, classId: req.class_name, documentId: req.doc_id };
}

/**
 * The chunks a previous answer was given, reloaded by id for this user only (another user's ids, or
 * chunks of a deleted document, are skipped), in their original order. Runs no search.
 */
export async function previousPassages(
  chunks: Pick<ChunksRepository, 'getByIds'>,
  userId: string,
  chunkIds: readonly string[],
): Promise<ChunkHit[]> {
  return chunkIds.length === 0 ? [] : chunks.getByIds(userId, chunkIds);
}

/**
 * Search hits for the question (its words without the part it names, which ranks that part up),
 * best first, within the route's context budget. Below the relevance floor, the closest sections
 * instead, marked not covered. A question that names a part and nothing else ("what is on page
 * 17?") gets that part, in reading order.
 */
export async function searchPassages(
  deps: PassageDeps,
  scope: ChunkScope,
  words: ScopeWords,
  cfg: RouteConfig,
  options: Pick<SearchOptions, 'signal' | 'queryEmbedding' | 'ranking' | 'fusion'> & { floor?: number } = {},
): Promise<GatheredPassages> {
  const found = await hybridSearch(deps, scope, words.query, {
    k: cfg.k,
    candidates: cfg.candidates,
    focus: words.focus,
    signal: options.signal,
    queryEmbedding: options.queryEmbedding,
    ranking: options.ranking,
    fusion: options.fusion,
  });
  if (found.terms.length === 0 && words.focus) {
    const part = await deps.chunks.sampleAcross(scope, cfg.k, words.focus);
    if (part.length > 0) {
      return { passages: thinEvenly(part, cfg.contextTokens), mode: 'focus', covered: true, terms: [] };
    }
  }
  if (!aboveFloor(found.termMatch, options.floor)) {
    return {
      passages: closestSections(found.passages),
      mode: found.mode,
      covered: false,
      terms: found.terms,
    };
  }
  return {
    passages: fitInOrder(found.passages, cfg.contextTokens),
    mode: found.mode,
    covered: true,
    terms: found.terms,
  };
}

/**
 * Chunks spread over the whole scope (beginning to end of every document) — or over the part the
 * question names ("summarize chapter 5"), when it has chunks — for summaries and study guides, plus
 * a few search hits when the question names a topic ("…about enzymes"), all in reading order and
 * thinned evenly to the route's context budget.
 */
export async function spreadPassages(
  deps: PassageDeps,
  scope: ChunkScope,
  words: ScopeWords,
  cfg: RouteConfig,
  signal?: AbortSignal,
): Promise<GatheredPassages> {
  const topic = topicOf(words.query);
  const [sample, topical] = await Promise.all([
    sampleOf(deps, scope, words, cfg.k),
    topic && cfg.topicalK > 0
      ? hybridSearch(deps, scope, topic, {
          k: cfg.topicalK,
          candidates: cfg.candidates,
          match: 'all',
          focus: words.focus,
          signal,
        })
      : null,
  ]);
  const topicalHits = topical?.passages ?? [];
  const topicalFit = fitInOrder(topicalHits, cfg.contextTokens / 2);
  const budgetLeft = cfg.contextTokens - topicalFit.reduce((s, p) => s + p.tokenCount + 12, 0);
  const spread = thinEvenly(sample, Math.max(0, budgetLeft));
  const passages = inReadingOrder(spread, topicalFit);
  return { passages, mode: 'spread', covered: passages.length > 0, terms: topical?.terms ?? [] };
}

/** The named part's sample when it has chunks, else the whole scope's. */
async function sampleOf(
  deps: PassageDeps,
  scope: ChunkScope,
  words: ScopeWords,
  n: number,
): Promise<ChunkHit[]> {
  if (words.focus) {
    const part = await deps.chunks.sampleAcross(scope, n, words.focus);
    if (part.length > 0) return part;
  }
  return deps.chunks.sampleAcross(scope, n);
}

/** Union of two hit lists ordered by document (first seen in `primary` first), then chunk position. */
export function inReadingOrder(primary: readonly ChunkHit[], extra: readonly ChunkHit[]): ChunkHit[] {
  const docOrder = new Map<string, number>();
  for (const h of [...primary, ...extra])
    if (!docOrder.has(h.documentId)) docOrder.set(h.documentId, docOrder.size);
  const byId = new Map<string, ChunkHit>();
  for (const h of [...primary, ...extra]) if (!byId.has(h.chunkId)) byId.set(h.chunkId, h);
  return [...byId.values()]
    .sort((a, b) => docOrder.get(a.documentId)! - docOrder.get(b.documentId)! || a.chunkIndex - b.chunkIndex)
    .map((h, i) => ({ ...h, rank: i + 1 }));
}

/** Words that ask for a summary or guide rather than name a topic. */
const NOT_TOPICAL = new Set(
  (
    'a an the this that these those my our your its of for on about in to from with and or me us i you it is are be ' +
    'can could would will please pls give make create write generate produce prepare help get need want do does ' +
    'summarize summarise summary summaries summarized overview recap tldr tl dr gist brief short quick detailed ' +
    'study guide guides quiz quizzes flashcards flashcard flash cards card practice questions question test exam ' +
    'exams review revision sheet cheat notes key main important points ideas takeaways themes concepts ' +
    'document documents doc docs file files pdf reading readings class course material materials text book ' +
    'lecture lectures slides paper whole entire all everything what whats how so up ask some few check myself ' +
    'yourself exercises'
  ).split(' '),
);

/**
 * The topic a summary or study-guide request names ("study guide for chapter 3" → "chapter 3"), or
 * null when it names none ("summarize this document").
 */
export function topicOf(query: string): string | null {
  const words = query
    .toLowerCase()
    .replace(/[’']s\b/g, '')
    .match(/[\p{L}\p{N}]+/gu);
  const topical = (words ?? []).filter((w) => !NOT_TOPICAL.has(w));
  return topical.some((w) => w.length > 1 || /\d/.test(w)) ? topical.join(' ') : null;
}
