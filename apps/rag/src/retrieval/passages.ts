import type { ChunkHit, ChunkScope, ChunksRepository } from '@classchat/db';
import { fitInOrder, thinEvenly } from '../prompts/prompts.js';
import type { RouteConfig } from '../routing/route-config.js';
import { hybridSearch, type SearchDeps } from './search.js';

export interface PassageDeps extends SearchDeps {
  chunks: SearchDeps['chunks'] & Pick<ChunksRepository, 'sampleAcross' | 'getByIds'>;
}

export interface GatheredPassages {
  passages: ChunkHit[];
  /** How they were found, for logs. */
  mode: 'hybrid' | 'full_text' | 'spread' | 'previous';
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

/** Search hits for the question, best first, within the route's context budget. */
export async function searchPassages(
  deps: SearchDeps,
  scope: ChunkScope,
  query: string,
  cfg: RouteConfig,
  signal?: AbortSignal,
  queryEmbedding?: Promise<number[] | null>,
): Promise<GatheredPassages> {
  const found = await hybridSearch(deps, scope, query, {
    k: cfg.k,
    candidates: cfg.candidates,
    signal,
    queryEmbedding,
  });
  return { passages: fitInOrder(found.passages, cfg.contextTokens), mode: found.mode };
}

/**
 * Chunks spread over the whole scope (beginning to end of every document), for summaries and study
 * guides, plus a few search hits when the question names a topic ("…for chapter 3"), all in reading
 * order and thinned evenly to the route's context budget.
 */
export async function spreadPassages(
  deps: PassageDeps,
  scope: ChunkScope,
  query: string,
  cfg: RouteConfig,
  signal?: AbortSignal,
): Promise<GatheredPassages> {
  const topic = topicOf(query);
  const [sample, topical] = await Promise.all([
    deps.chunks.sampleAcross(scope, cfg.k),
    topic && cfg.topicalK > 0
      ? hybridSearch(deps, scope, topic, {
          k: cfg.topicalK,
          candidates: cfg.candidates,
          match: 'all',
          signal,
        })
      : null,
  ]);
  const topicalHits = topical?.passages ?? [];
  const topicalFit = fitInOrder(topicalHits, cfg.contextTokens / 2);
  const budgetLeft = cfg.contextTokens - topicalFit.reduce((s, p) => s + p.tokenCount + 12, 0);
  const spread = thinEvenly(sample, Math.max(0, budgetLeft));
  return { passages: inReadingOrder(spread, topicalFit), mode: 'spread' };
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
    'lecture lectures slides paper whole entire all everything what whats how so up'
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
