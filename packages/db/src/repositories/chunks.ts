import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { PageKind } from '@classchat/contracts';
import type { Db } from '../client.js';
import { chunkEmbeddings, chunks, documents, EMBEDDING_DIMENSIONS } from '../schema.js';
import {
  DEFAULT_RANKING,
  focusSql,
  QUESTION_WORDS,
  rankedSearchSql,
  type FullTextOptions,
  type QueryTerm,
  type RankedRow,
  type RankingParams,
  type SearchFocus,
} from './ranked-search.js';
import { preparedByText, preparedPerShape, scopeShape, sqlStatement, type ScopeShape } from './prepared.js';
import {
  chunkScopeColumns,
  documentScopeColumns,
  embeddingScopeColumns,
  scopeOn,
  scopeParams,
  scopePlaceholders,
} from './scope.js';

export {
  DEFAULT_RANKING,
  MAX_QUERY_TERMS,
  QUESTION_WORDS,
  type FullTextOptions,
  type QueryTerm,
  type RankingParams,
  type SearchFocus,
} from './ranked-search.js';

/**
 * Where to search. `classId` / `documentId` omitted or null: no restriction on that dimension (every
 * chunk of the user). Always restricted to `userId`.
 */
export interface ChunkScope {
  userId: string;
  classId?: string | null;
  documentId?: string | null;
}

/** A chunk to store; `charStart`/`charEnd` are offsets within `pageStart`'s text. */
export interface ChunkInput {
  chunkIndex: number;
  pageStart: number;
  pageEnd: number;
  charStart: number;
  charEnd: number;
  text: string;
  tokenCount: number;
  /** Section titles from outermost to innermost; omitted or empty when the document has no sections. */
  sectionPath?: readonly string[] | undefined;
  sectionPageStart?: number | null | undefined;
  sectionPageEnd?: number | null | undefined;
  /** Defaults to `'body'`. */
  pageKind?: PageKind | undefined;
  /** See `chunks.sourceMap` in the schema; omitted or null when the text is the page's raw text. */
  sourceMap?: readonly (readonly [number, number, number])[] | null | undefined;
  /** `EMBEDDING_DIMENSIONS` numbers, or null when no embeddings endpoint is configured. */
  embedding?: number[] | null;
}

/** A chunk as retrieval returns it, with its document's file name. */
export interface ChunkHit {
  chunkId: string;
  documentId: string;
  classId: string | null;
  fileName: string;
  chunkIndex: number;
  pageStart: number;
  pageEnd: number;
  charStart: number;
  charEnd: number;
  text: string;
  tokenCount: number;
  /** Section titles from outermost to innermost; empty when unknown. */
  sectionPath: string[];
  sectionPageStart: number | null;
  sectionPageEnd: number | null;
  pageKind: PageKind;
  /** See `chunks.sourceMap` in the schema; null when the text is `pageStart`'s raw text from `charStart`. */
  sourceMap: [number, number, number][] | null;
  /**
   * Higher is better. Full-text: the ranking score (BM25 with boosts, see `RankingParams`); vector:
   * cosine similarity (1 - cosine distance); `getByIds` / `sampleAcross`: 0.
   */
  score: number;
  /** 1-based position in this result list. */
  rank: number;
}

/**
 * A hit written out field by field: copying the statement's rows with rest and spread made objects ten
 * times the size (every column they carry), garbage on every search.
 */
function hitOf(
  r: Omit<ChunkHit, 'score' | 'rank' | 'sectionPath'> & { sectionPath: string[] | null },
  score: number,
  rank: number,
): ChunkHit {
  return {
    chunkId: r.chunkId,
    documentId: r.documentId,
    classId: r.classId,
    fileName: r.fileName,
    chunkIndex: r.chunkIndex,
    pageStart: r.pageStart,
    pageEnd: r.pageEnd,
    charStart: r.charStart,
    charEnd: r.charEnd,
    text: r.text,
    tokenCount: r.tokenCount,
    sectionPath: r.sectionPath ?? [],
    sectionPageStart: r.sectionPageStart,
    sectionPageEnd: r.sectionPageEnd,
    pageKind: r.pageKind,
    sourceMap: r.sourceMap,
    score,
    rank,
  };
}

/** A full-text hit with what the relevance floor and scope words need. */
export interface FullTextHit extends ChunkHit {
  /** Share (0..1) of the question's term weight (idf) this chunk holds. */
  termMatch: number;
  /** Whether the chunk is in the part of the material the question names (the search's focus). */
  inFocus: boolean;
  /**
   * Whether it lists rather than explains: a table-of-contents or index page, or a section titled
   * Bibliography, References, Index or Contents (ranked down; never proof that a topic is covered).
   */
  listing: boolean;
}

export interface FullTextResult {
  /** Best first. */
  hits: FullTextHit[];
  /** The question's terms in the order it gives them, with their weights in the scope (empty without hits). */
  terms: QueryTerm[];
}

export type SearchKind = 'fullText' | 'vector' | 'sample';

export interface SearchEvent {
  kind: SearchKind;
  scope: ChunkScope;
  limit: number;
  results: number;
  ms: number;
  /** Vector search only: the HNSW scan yielded fewer than `limit`, so an exact scan filled the result. */
  exactFallback?: boolean;
  /** Vector search only: an exact scan was asked for (`vectorSearch(…, { exact: true })`). */
  exact?: boolean;
}

/**
 * Process-wide counters of retrieval queries, so tests can assert that a route ran no search
 * (`searchStats.reset()` … `expect(searchStats.searches).toBe(0)`).
 */
export const searchStats = {
  fullText: 0,
  vector: 0,
  sample: 0,
  /** Full-text + vector searches (sampling excluded). */
  get searches(): number {
    return this.fullText + this.vector;
  },
  reset(): void {
    this.fullText = 0;
    this.vector = 0;
    this.sample = 0;
  },
};

export interface ChunksRepositoryOptions {
  /** Called after every search / sample, e.g. for metrics or test assertions. */
  onSearch?: (event: SearchEvent) => void;
}

/** Rows per multi-row INSERT (about 13 parameters each, far below PostgreSQL's 65535). */
export const INSERT_BATCH_ROWS = 100;

/** `rows` in slices of at most INSERT_BATCH_ROWS, one multi-row INSERT each. */
function* insertBatches<T>(rows: readonly T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH_ROWS) yield rows.slice(i, i + INSERT_BATCH_ROWS);
}

/** hnsw.ef_search accepts at most 1000 candidates; larger limits are capped. */
const MAX_VECTOR_LIMIT = 1000;

export type FullTextMatch = NonNullable<FullTextOptions['match']>;

/**
 * A query embedding as a binary parameter: pgvector's send/receive format (dimensions and a reserved
 * word as int16, then each value as a big-endian float4). node-postgres sends a Buffer in binary, so
 * the server reads the vector without parsing 512 decimal numbers: that parse was most of a small
 * scope's exact search on the embedded server (about 1.7 of its 2.3 ms of CPU), and 10 kB of text per
 * search. The values are the float4s the text input gives, since an embedding's numbers are float4s
 * widened (base64 or decimal from the embeddings endpoint).
 */
export function vectorParameter(embedding: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(4 + embedding.length * 4);
  out.writeInt16BE(embedding.length, 0);
  out.writeInt16BE(0, 2);
  for (let i = 0; i < embedding.length; i++) out.writeFloatBE(embedding[i]!, 4 + i * 4);
  return out;
}

export type ChunksRepository = ReturnType<typeof createChunksRepository>;

export function createChunksRepository(db: Db, options: ChunksRepositoryOptions = {}) {
  let searchCount = 0;

  const scopeWhere = (scope: ChunkScope): SQL => scopeOn(chunkScopeColumns, scope);
  const embeddedWhere = (scope: ChunkScope): SQL => scopeOn(embeddingScopeColumns, scope);

  const hitColumns = {
    chunkId: chunks.id,
    documentId: chunks.documentId,
    classId: chunks.classId,
    fileName: documents.fileName,
    chunkIndex: chunks.chunkIndex,
    pageStart: chunks.pageStart,
    pageEnd: chunks.pageEnd,
    charStart: chunks.charStart,
    charEnd: chunks.charEnd,
    text: chunks.text,
    tokenCount: chunks.tokenCount,
    sectionPath: sql<string[]>`coalesce(${chunks.sectionPath}, '[]'::jsonb)`,
    sectionPageStart: chunks.sectionPageStart,
    sectionPageEnd: chunks.sectionPageEnd,
    pageKind: chunks.pageKind,
    sourceMap: chunks.sourceMap,
  };

  /**
   * The `k` chunks nearest to `vector` among the embeddings `where` selects: candidates by cosine
   * distance, then their chunks' columns, nearest first. `exact`: `+ 0` hides the expression from the
   * HNSW index, so the scope's rows are scanned.
   */
  const nearest = (
    q: Pick<Db, 'select'>,
    where: SQL | undefined,
    vector: SQL,
    k: number | Placeholder,
    exact: boolean,
  ) => {
    const distance = sql<number>`${chunkEmbeddings.embedding} <=> ${vector}`;
    // Exact: the selected `+ 0` column is also the sort key, so each row's distance is computed once
    // (ordering by an expression other than the selected one computes both, ~1 ms on a class of
    // 2 000 chunks). `+ 0` changes no value: pgvector's cosine distance is never -0.
    const selected = exact ? sql<number>`(${distance}) + 0` : distance;
    const candidates = q
      .select({ id: chunkEmbeddings.chunkId, distance: selected.mapWith(Number).as('distance') })
      .from(chunkEmbeddings)
      .where(where)
      // The index serves only an order by distance alone; the scan breaks ties by position.
      .orderBy(
        ...(exact
          ? [sql`"distance"`, asc(chunkEmbeddings.documentId), asc(chunkEmbeddings.chunkIndex)]
          : [distance]),
      )
      .limit(k)
      .as('candidates');
    return q
      .select({ ...hitColumns, distance: candidates.distance })
      .from(candidates)
      .innerJoin(chunks, eq(chunks.id, candidates.id))
      .innerJoin(documents, eq(documents.id, chunks.documentId))
      .orderBy(asc(candidates.distance), asc(chunks.documentId), asc(chunks.chunkIndex));
  };

  /**
   * The exact search of a scope shape, prepared as the full-text leg it runs beside (planning is
   * ~1 ms of its ~6) and built once.
   */
  const exactVectorStatement = preparedPerShape((shape: ScopeShape) =>
    nearest(
      db,
      scopeOn(embeddingScopeColumns, scopePlaceholders(shape)),
      sql`${sql.placeholder('vector')}::vector`,
      sql.placeholder('k'),
      true,
    ),
  );

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

  const record = (
    kind: SearchKind,
    scope: ChunkScope,
    limit: number,
    results: number,
    started: number,
    extra: Partial<SearchEvent> = {},
  ) => {
    searchStats[kind] += 1;
    if (kind !== 'sample') searchCount += 1;
    options.onSearch?.({ kind, scope, limit, results, ms: performance.now() - started, ...extra });
  };

  /** Nearest chunks as hits (similarity 1 − distance). */
  const nearestHits = (
    rows: readonly (Omit<ChunkHit, 'score' | 'rank'> & { distance: number })[],
  ): ChunkHit[] => rows.map((r, i) => hitOf(r, 1 - r.distance, i + 1));

  const ranked = <T extends Omit<ChunkHit, 'rank'>>(rows: T[]): (T & { rank: number })[] =>
    rows.map((r, i) => ({ ...r, rank: i + 1 }));

  /** Throws unless `embedding` has the stored chunks' dimensions, every one a finite number. */
  const checkEmbedding = (embedding: number[]): void => {
    if (embedding.length !== EMBEDDING_DIMENSIONS || !embedding.every(Number.isFinite)) {
      throw new RangeError(
        `An embedding must have ${EMBEDDING_DIMENSIONS} finite numbers (got ${embedding.length})`,
      );
    }
  };

  return {
    /** Full-text and vector searches run by this repository instance. */
    get searchCount(): number {
      return searchCount;
    },

    /**
     * Stores a document's chunks, replacing any it already had, in one transaction with multi-row
     * inserts (HNSW maintenance makes row-at-a-time inserts slow). Returns how many were stored.
     */
    async insertForDocument(
      doc: { id: string; userId: string; classId: string | null },
      input: readonly ChunkInput[],
    ): Promise<number> {
      const rows = input.map((c) => ({
        // Chosen here, so that the chunk's embedding row can name it without reading it back.
        id: randomUUID(),
        documentId: doc.id,
        userId: doc.userId,
        classId: doc.classId,
        chunkIndex: c.chunkIndex,
        pageStart: c.pageStart,
        pageEnd: c.pageEnd,
        charStart: c.charStart,
        charEnd: c.charEnd,
        // PostgreSQL text cannot hold NUL, which PDF extraction occasionally yields.
        text: c.text.replaceAll('\u0000', ''),
        tokenCount: c.tokenCount,
        sectionPath: c.sectionPath && c.sectionPath.length > 0 ? [...c.sectionPath] : null,
        sectionPageStart: c.sectionPageStart ?? null,
        sectionPageEnd: c.sectionPageEnd ?? null,
        pageKind: c.pageKind ?? 'body',
        sourceMap: c.sourceMap ? c.sourceMap.map(([a, b, d]): [number, number, number] => [a, b, d]) : null,
      }));
      const embedded = input.flatMap((c, i) => {
        if (!c.embedding) return [];
        checkEmbedding(c.embedding);
        const r = rows[i]!;
        const { userId, classId, documentId, chunkIndex } = r;
        return [{ chunkId: r.id, userId, classId, documentId, chunkIndex, embedding: c.embedding }];
      });
      await db.transaction(async (tx) => {
        await tx.delete(chunks).where(eq(chunks.documentId, doc.id));
        for (const batch of insertBatches(rows)) await tx.insert(chunks).values(batch);
        for (const batch of insertBatches(embedded)) await tx.insert(chunkEmbeddings).values(batch);
        // A backend publishes its table counters at most once a second; without this, the check
        // below would not yet see the rows just written and skip an ANALYZE they call for. (Servers
        // before PostgreSQL 15 lack the function; they have autovacuum, which does the job anyway.)
        await tx.execute(
          sql.raw(`DO $$ BEGIN
            IF to_regproc('pg_stat_force_next_flush') IS NOT NULL THEN PERFORM pg_stat_force_next_flush(); END IF;
          END $$`),
        );
      });
      await this.analyzeIfStale();
      return rows.length;
    },

    /**
     * Refreshes the planner statistics of `chunks` and `chunk_embeddings`, each when about 10% of it
     * changed since its last ANALYZE (autovacuum's rule). PGlite has no autovacuum, and without
     * statistics the planner sorts a whole scope instead of using the HNSW index. Returns whether it
     * analyzed.
     */
    async analyzeIfStale(): Promise<boolean> {
      const { rows: stats } = await db.execute<{ name: string; changed: number; live: number }>(
        sql`SELECT relname::text AS name, n_mod_since_analyze::int AS changed, n_live_tup::int AS live
              FROM pg_stat_user_tables WHERE relid IN ('chunks'::regclass, to_regclass('chunk_embeddings'))`,
      );
      const stale = stats.filter((s) => s.changed > 50 + 0.1 * s.live).map((s) => s.name);
      if (stale.length === 0) return false;
      // The names are the two tables' own (read from the catalogue above), not input.
      await db.execute(sql.raw(`ANALYZE ${stale.join(', ')}`));
      return true;
    },

    /** Removes a document's chunks; returns how many. */
    async deleteByDocument(documentId: string): Promise<number> {
      const deleted = await db
        .delete(chunks)
        .where(eq(chunks.documentId, documentId))
        .returning({ id: chunks.id });
      return deleted.length;
    },

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

    /**
     * Nearest chunks by cosine distance. Runs in a transaction with `SET LOCAL
     * hnsw.iterative_scan = relaxed_order` (so a filtered HNSW scan keeps going until it has `limit`
     * rows) and `hnsw.ef_search` ≥ limit, then re-orders by exact distance. If the index still yields
     * fewer than `limit` (tiny or very sparse scope), an exact scan of the scope fills the result.
     */
    async vectorSearch(
      scope: ChunkScope,
      embedding: number[],
      limit: number,
      options: { exact?: boolean } = {},
    ): Promise<ChunkHit[]> {
      const started = performance.now();
      const k = Math.max(0, Math.min(MAX_VECTOR_LIMIT, Math.floor(limit)));
      checkEmbedding(embedding);
      if (k === 0) return [];
      const vector = vectorParameter(embedding);
      if (options.exact) {
        // A small scope: scanning it is exact and cheaper than the graph, and one statement needs no
        // transaction (each round trip to the embedded server costs ~1.5 ms of its CPU).
        const exactRows = await exactVectorStatement(scopeShape(scope)).execute({
          ...scopeParams(scope),
          vector,
          k,
        });
        record('vector', scope, limit, exactRows.length, started, { exact: true });
        return nearestHits(exactRows);
      }
      const vec = sql`${vector}::vector`;
      let exactFallback = false;
      const rows = await db.transaction(async (tx) => {
        // One round trip (simple protocol, two statements); LOCAL: the embedded server shares one session.
        await tx.execute(
          sql.raw(
            `SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL hnsw.ef_search = ${Math.max(40, k)}`,
          ),
        );
        const search = (exact: boolean) => nearest(tx, embeddedWhere(scope), vec, k, exact);
        const approx = await search(false);
        if (approx.length >= k) return approx;
        exactFallback = true;
        return search(true);
      });
      rows.sort((a, b) => a.distance - b.distance);
      record('vector', scope, limit, rows.length, started, { exactFallback });
      return nearestHits(rows);
    },

    /** The user's chunks with these ids (others are skipped), in the order of `ids`. */
    async getByIds(userId: string, ids: readonly string[]): Promise<ChunkHit[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .select(hitColumns)
        .from(chunks)
        .innerJoin(documents, eq(documents.id, chunks.documentId))
        .where(and(eq(chunks.userId, userId), inArray(chunks.id, [...new Set(ids)])));
      const byId = new Map(rows.map((r) => [r.chunkId, r]));
      const ordered = [...new Set(ids)].flatMap((id) => {
        const r = byId.get(id);
        return r ? [{ ...r, score: 0 }] : [];
      });
      return ranked(ordered);
    },

    /**
     * Up to `n` chunks spread evenly over the scope (or over its part `focus`, when given): the
     * documents share `n` equally (a document with fewer chunks gives its unused share to the others),
     * and each document's share is spaced evenly through it, so pages from beginning to end are
     * represented. Ordered by document, then position.
     */
    async sampleAcross(scope: ChunkScope, n: number, focus?: SearchFocus | null): Promise<ChunkHit[]> {
      const started = performance.now();
      const want = Math.max(0, Math.floor(n));
      const where = and(scopeWhere(scope), focus ? focusSql(focus) : undefined);
      const counts = await db
        .select({ documentId: chunks.documentId, count: sql<number>`count(*)::int`.mapWith(Number) })
        .from(chunks)
        .where(where)
        .groupBy(chunks.documentId)
        .orderBy(chunks.documentId);
      const quotas = shareEvenly(
        counts.map((c) => c.count),
        want,
      );
      const picks: SQL[] = [];
      counts.forEach((c, i) => {
        for (const position of spreadPositions(c.count, quotas[i]!)) {
          picks.push(sql`(${c.documentId}::uuid, ${position}::int)`);
        }
      });
      if (picks.length === 0) {
        record('sample', scope, n, 0, started);
        return [];
      }
      const numbered = db
        .select({
          id: chunks.id,
          documentId: chunks.documentId,
          position:
            sql<number>`(row_number() OVER (PARTITION BY ${chunks.documentId} ORDER BY ${chunks.chunkIndex}) - 1)::int`.as(
              'position',
            ),
        })
        .from(chunks)
        .where(where)
        .as('numbered');
      const rows = await db
        .select(hitColumns)
        .from(numbered)
        .innerJoin(chunks, eq(chunks.id, numbered.id))
        .innerJoin(documents, eq(documents.id, chunks.documentId))
        .where(sql`(${numbered.documentId}, ${numbered.position}) IN (VALUES ${sql.join(picks, sql`, `)})`)
        .orderBy(asc(documents.createdAt), asc(documents.id), asc(chunks.chunkIndex));
      record('sample', scope, n, rows.length, started);
      return ranked(rows.map((r) => ({ ...r, score: 0 })));
    },

    /** How many chunks the scope holds. */
    async countInScope(scope: ChunkScope): Promise<number> {
      const [row] = await db
        .select({ count: sql<number>`count(*)::int`.mapWith(Number) })
        .from(chunks)
        .where(scopeWhere(scope));
      return row?.count ?? 0;
    },

    /**
     * How many chunks in the scope have an embedding, counting at most `cap` (so a huge scope costs no
     * more than `cap` rows): whether vector search is worth running, and whether an exact scan is cheap.
     */
    async countEmbeddedInScope(scope: ChunkScope, cap: number): Promise<number> {
      const limited = db
        .select({ one: sql`1`.as('one') })
        .from(chunkEmbeddings)
        .where(embeddedWhere(scope))
        .limit(Math.max(0, Math.floor(cap)))
        .as('limited');
      const [row] = await db.select({ count: sql<number>`count(*)::int`.mapWith(Number) }).from(limited);
      return row?.count ?? 0;
    },

    /** Whether any chunk in the scope has an embedding (vector search is worth running). */
    async scopeHasEmbeddings(scope: ChunkScope): Promise<boolean> {
      const rows = await db
        .select({ one: sql`1` })
        .from(chunkEmbeddings)
        .where(embeddedWhere(scope))
        .limit(1);
      return rows.length > 0;
    },
  };
}

/** Splits `total` among buckets of the given capacities as evenly as possible (water-filling). */
export function shareEvenly(capacities: readonly number[], total: number): number[] {
  const shares = capacities.map(() => 0);
  let left = Math.min(
    total,
    capacities.reduce((a, b) => a + b, 0),
  );
  while (left > 0) {
    const open = capacities.flatMap((cap, i) => (shares[i]! < cap ? [i] : []));
    const each = Math.max(1, Math.floor(left / open.length));
    for (const i of open) {
      if (left === 0) break;
      const give = Math.min(each, capacities[i]! - shares[i]!, left);
      shares[i] = shares[i]! + give;
      left -= give;
    }
  }
  return shares;
}

/** `k` positions spread evenly over `0..count-1` (the middle of `k` equal slices). */
export function spreadPositions(count: number, k: number): number[] {
  const take = Math.min(count, Math.max(0, k));
  return Array.from({ length: take }, (_, i) => Math.floor(((i + 0.5) * count) / take));
}
