import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import {
  DEFAULT_RANKING,
  focusSql,
  QUESTION_WORDS,
  rankedSearchSql,
  type FullTextOptions,
  type RankedRow,
  type RankingParams,
} from './ranked-search.js';
import type { ChunkScope, FullTextHit, FullTextResult } from './chunks.js';
import { hitOf, type RecordSearch } from './chunk-hits.js';
import { preparedByText, preparedPerShape, scopeShape, sqlStatement, type ScopeShape } from './prepared.js';
import { chunkScopeColumns, documentScopeColumns, scopeOn, scopeParams, scopePlaceholders } from './scope.js';

/** Full-text search of a scope, ranked (see `rankedSearchSql`). */
export function createChunkTextSearch(db: Db, record: RecordSearch) {
  /**
   * The ranked full-text statement of a scope shape (see `rankedSearchSql`), its values placeholders:
   * prepared (planning it costs about a third of running it), and built once per shape for the
   * default ranking, since building its text costs a quarter of a millisecond before the first
   * statement of an answer can leave.
   */
  const rankedStatement = (shape: ScopeShape, all: boolean, focus: SQL, params: RankingParams) =>
    sqlStatement<RankedRow>(
      db,
      rankedSearchSql({
        scopeWhere: scopeOn(chunkScopeColumns, scopePlaceholders(shape)),
        scopeDocuments: scopeOn(documentScopeColumns, scopePlaceholders(shape)),
        query: sql.placeholder('query'),
        limit: sql.placeholder('limit'),
        poolLimit: sql.placeholder('poolLimit'),
        all,
        focus,
        params,
        ignoreWords: sql.placeholder('ignoreWords'),
        lightWords: sql.placeholder('lightWords'),
        expansions: sql.placeholder('expansions'),
      }),
    );
  const defaultRankedStatement = preparedPerShape((key: `${ScopeShape}|${'all' | 'any'}`) => {
    const [shape, match] = key.split('|') as [ScopeShape, 'all' | 'any'];
    return rankedStatement(shape, match === 'all', focusSql(null), DEFAULT_RANKING);
  });

  return {
    /**
     * Full-text search ranked by BM25 over the scope (see {@link RankingParams} and `rankedSearchSql`):
     * inverse document frequency from the scope's chunks, term frequency from the stored tsvector,
     * length normalised by token count; plus a boost for query terms in the chunk's section titles
     * and for query terms close together, TOC and index pages ranked down, and chunks in `focus` (the
     * part of the material the question names) ranked up. A chunk must hold at least one query term
     * (`match: 'all'`: every one). Returns the hits, best first, and the question's terms with their
     * weights in this scope.
     */
    async fullTextSearch(
      scope: ChunkScope,
      query: string,
      limit: number,
      options: FullTextOptions = {},
    ): Promise<FullTextResult> {
      const started = performance.now();
      const want = Math.max(0, Math.floor(limit));
      if (want === 0) {
        record('fullText', scope, limit, 0, started);
        return { hits: [], terms: [] };
      }
      const params = { ...DEFAULT_RANKING, ...options.ranking };
      const all = options.match === 'all';
      // Built once per shape unless the call names a part of the material or its own ranking.
      const statement =
        options.focus || options.ranking
          ? preparedByText(rankedStatement(scopeShape(scope), all, focusSql(options.focus), params))
          : defaultRankedStatement(`${scopeShape(scope)}|${all ? 'all' : 'any'}`);
      const { rows } = await statement.execute({
        ...scopeParams(scope),
        query,
        limit: want,
        poolLimit: Math.max(want, params.rerankPool),
        ignoreWords: options.ignoreWords ?? QUESTION_WORDS,
        lightWords: (options.lightWords ?? []).join(' '),
        expansions: (options.expansions ?? []).map((list) => list.join(' ').replaceAll(';', ' ')).join(';'),
      });
      record('fullText', scope, limit, rows.length, started);
      // Only the first row carries the terms (they are the same for every hit).
      const terms = rows[0]?.terms ?? [];
      const hits = rows.map((r, i): FullTextHit =>
        Object.assign(hitOf(r, Number(r.score), i + 1), {
          termMatch: Number(r.termMatch),
          inFocus: r.inFocus,
          listing: r.listing,
        }),
      );
      return { hits, terms };
    },
  };
}
