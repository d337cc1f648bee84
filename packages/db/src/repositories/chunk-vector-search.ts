import { asc, eq, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { chunkEmbeddings, chunks, documents, EMBEDDING_DIMENSIONS } from '../schema.js';
import type { ChunkHit, ChunkScope } from './chunks.js';
import { hitColumns, hitOf, type RecordSearch } from './chunk-hits.js';
import { preparedPerShape, scopeShape, type ScopeShape } from './prepared.js';
import { embeddingScopeColumns, scopeOn, scopeParams, scopePlaceholders } from './scope.js';

/** hnsw.ef_search accepts at most 1000 candidates; larger limits are capped. */
const MAX_VECTOR_LIMIT = 1000;

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

/** Throws unless `embedding` has the stored chunks' dimensions, every one a finite number. */
export const checkEmbedding = (embedding: number[]): void => {
  if (embedding.length !== EMBEDDING_DIMENSIONS || !embedding.every(Number.isFinite)) {
    throw new RangeError(
      `An embedding must have ${EMBEDDING_DIMENSIONS} finite numbers (got ${embedding.length})`,
    );
  }
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

/** Nearest chunks as hits (similarity 1 − distance). */
const nearestHits = (
  rows: readonly (Omit<ChunkHit, 'score' | 'rank'> & { distance: number })[],
): ChunkHit[] => rows.map((r, i) => hitOf(r, 1 - r.distance, i + 1));

const embeddedWhere = (scope: ChunkScope): SQL => scopeOn(embeddingScopeColumns, scope);

/** Nearest-neighbour search over the chunks' embeddings, and whether a scope has any. */
export function createChunkVectorSearch(db: Db, record: RecordSearch) {
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

  return {
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
