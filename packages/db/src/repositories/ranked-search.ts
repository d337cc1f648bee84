import { sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { FullTextHit } from './chunks.js';

/**
 * The knobs of full-text ranking. A chunk's score is
 *
 *   (BM25 + titleWeight · title + proximityWeight · proximity) · kind · lead · focus · named
 *
 * - BM25: Σ over the question's terms in the chunk of idf · tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen)),
 *   idf = ln(1 + (N − df + 0.5)/(df + 0.5)) with N and df counted in the scope searched, tf the
 *   term's occurrences in the stored tsvector, len the chunk's token count.
 * - title: Σ idf of the terms in the chunk's innermost section title, times the share of that title's
 *   words (numbering left out) the question holds, plus half the idf of terms in an outer title. A
 *   section titled "Fit" is about fitting; "15. GP Programming" is not about every question naming
 *   gp, nor "Standard Targets for Users" about every question naming a target.
 * - proximity: Σ over neighbouring question terms (in the question's order) of their mean idf ·
 *   min(1, Σ 1/distance over the places both occur), i.e. 1 when they stand side by side.
 * - kind: 1 on body pages, `nonBodyFactor` on listings — table-of-contents and index pages, and
 *   sections titled Bibliography, References, Index or Contents — which repeat the words of many
 *   topics without explaining any (the chunk's stored `listing` flag).
 * - lead: `leadBoost` for the chunk that opens its section (its text starts with the section's title,
 *   or the title is a line of its first 300 characters: a chapter's first section opens after the part
 *   and chapter headings; a line that merely starts with a command's name does not count):
 *   where a manual introduces, defines and shows the syntax of what the section is about (the
 *   chunk's stored `opens_section` flag).
 * - focus: `focusBoost` for chunks in the part of the material the question names ("chapter 5").
 * - named: `markBoost` for the chunks of a document a question word names (see `markShare`).
 *
 * Then a section's opening chunk is set just above the short chunks of its own section that outscore
 * it by little (see `openingShare`).
 *
 * Related words (`expansions`: other words manuals use for what the question names, "kill" for "clear")
 * count too, as terms of their own whose idf counts `expansionWeight` in BM25 and title (a chunk counts
 * its best word of each group) and nothing in `termMatch` or proximity. They reorder the chunks the
 * question's own words find and never make a question look covered; they find no chunk of their own
 * (a related word such as "print" or "output" is common, and every chunk it matched would be scored).
 *
 * A hit's `termMatch` (what the relevance floor judges) is the share of the question's idf the chunk
 * holds, a number-like term ("2", "10th", "1cm": usually a value in the question, not its topic)
 * counting `numericTermWeight` of its idf, and a light word the scope never uses (see `lightWords`)
 * `absentLightWeight` of it.
 */
export interface RankingParams {
  k1: number;
  b: number;
  titleWeight: number;
  proximityWeight: number;
  nonBodyFactor: number;
  leadBoost: number;
  focusBoost: number;
  numericTermWeight: number;
  /** The share of its idf a related word (see `FullTextOptions.expansions`) counts in BM25 and title. */
  expansionWeight: number;
  /**
   * The weight, as a share of its idf, of a light word of the question (a verb, adjective or adverb:
   * "get", "walk", "fast") that the scope never uses. A course that never writes "get" can still
   * answer "how do cells get energy?"; a question whose nouns it never uses ("tides", "MySQL") it
   * cannot.
   */
  absentLightWeight: number;
  /**
   * A section's opening chunk is ranked just above a short chunk (at most the scope's mean length)
   * of the same section or of one of its subsections that outscores it, when it scores at least
   * this share of that chunk's score (1: never). BM25 favours a short example that repeats the
   * question's words ("draw logarithmic graphs", "curve-fitting") over the opening that says what
   * the section is about ("This module implements two-dimensional linear and logarithmic graphs"),
   * which is the page a student asking "which module…" wants. A long chunk keeps its place (it
   * explains, and may hold the very answer), and so do a subsection's own opening and a chunk in
   * the part the question names when the opening is not.
   */
  openingShare: number;
  /**
   * A question word that names a document — one that document uses on at least `markCover` of its
   * chunks and that holds at least `markShare` of the scope's chunks using it (the program a manual
   * is about: "gp" in the PARI tutorial, "asy" in Asymptote's) — multiplies the score of that
   * document's chunks by `markBoost`. "What does the % sign mean in gp?" is about gp's %, not the
   * % operator another manual lists; a one-word file name does this through the focus, a word the
   * file name does not hold only through what the scope says of it. Small: it breaks near-ties
   * between documents, it does not overrule what a chunk says.
   */
  markShare: number;
  markCover: number;
  markBoost: number;
  /** The best chunks by BM25 + title that proximity is computed for (it costs a call per term pair). */
  rerankPool: number;
}

/** Defaults, calibrated on the grounding benchmark (see bench/RESULTS.md). */
export const DEFAULT_RANKING: Readonly<RankingParams> = {
  k1: 1.2,
  b: 0.75,
  titleWeight: 0.5,
  proximityWeight: 1.5,
  nonBodyFactor: 0.3,
  leadBoost: 1.15,
  focusBoost: 3,
  numericTermWeight: 0.25,
  expansionWeight: 0.75,
  absentLightWeight: 0.15,
  rerankPool: 100,
  openingShare: 0.6,
  markShare: 0.75,
  markCover: 0.25,
  markBoost: 1.05,
};

/**
 * Words that phrase a question rather than name its subject ("explain", "what does … mean"): left out
 * of the terms, so a manual that never writes "explain" still answers "explain vectors".
 */
export const QUESTION_WORDS =
  'explain explanation describe description tell mean meaning means please thanks show give help ' +
  'know understand want need wondering question questions answer ' +
  'quote quotes quotation exact exactly verbatim say says said mention mentions mentioned';

/** At most this many distinct terms of a question are searched (a pasted page would cost a lot). */
export const MAX_QUERY_TERMS = 32;

/**
 * The part of the scope a question names. A chunk is in it when it belongs to one of `documentIds`
 * (if given) and lies on one of `pages` or under a section one of whose titles matches one of
 * `sectionPatterns` (if either is given). Patterns are PostgreSQL regular expressions matched
 * case-insensitively; they are built by the caller from known-safe pieces, never from raw input.
 */
export interface SearchFocus {
  documentIds?: readonly string[];
  pages?: readonly { from: number; to: number }[];
  sectionPatterns?: readonly string[];
}

/** A term of the question — or a word related to one — as full-text search used it. */
export interface QueryTerm {
  /** The lexeme searched for (English stem, or a code-like term kept whole: `read.csv`, `--check`). */
  term: string;
  /** The question's words that produced it, as typed (punctuation trimmed). */
  words: string[];
  /** Chunks of the scope that hold it. */
  df: number;
  /**
   * Its inverse document frequency in the scope (higher: rarer, more telling). For a related word,
   * that times `expansionWeight`, divided by the square root of how many words of its group the scope
   * holds: a sentence seldom holds two of them, so an even split would leave each nearly weightless,
   * and no split would let a group the scope uses many words of outweigh the question's own words.
   */
  idf: number;
  /**
   * A related word (see `FullTextOptions.expansions`), reported only when the scope holds it, after
   * the question's own terms; absent for the question's own terms.
   */
  related?: true;
}

export interface FullTextOptions {
  /** `any` (default): chunks holding at least one term; `all`: every term. */
  match?: 'any' | 'all';
  focus?: SearchFocus | null | undefined;
  ranking?: Partial<RankingParams> | undefined;
  /** Words left out of the question's terms (default {@link QUESTION_WORDS}). */
  ignoreWords?: string;
  /**
   * The question's words that do not name its topic (verbs, adjectives, adverbs, as the caller's
   * tagger reads them): when the scope never uses one, it weighs little in `termMatch`.
   */
  lightWords?: readonly string[];
  /**
   * Words related to the question's (other words manuals use for the same thing), one list per word
   * of the question they stand in for, searched as weak terms: see {@link RankingParams.expansionWeight}.
   * A chunk counts only its best match in each list; words the question already holds are ignored.
   */
  expansions?: readonly (readonly string[])[];
}

/**
 * The raw row of {@link rankedSearchSql}: a full-text hit before its 1-based rank is numbered, with the
 * section path as stored (null when unknown) and, on the first row only, the question's terms.
 */
export type RankedRow = Record<string, unknown> &
  Omit<FullTextHit, 'sectionPath' | 'rank'> & {
    sectionPath: string[] | null;
    terms: QueryTerm[] | null;
  };

/**
 * A ranking constant written into the statement as a float8 literal rather than bound as a parameter:
 * the planner folds what depends on constants alone once, and an execution parses no float parameters.
 * A finite double's shortest decimal form reads back as the same double, so every score is unchanged.
 */
const f8 = (x: number): SQL => {
  if (!Number.isFinite(x)) throw new RangeError(`ranking constant must be finite (got ${x})`);
  return sql.raw(`(${String(x)})::float8`);
};

const literalList = (values: readonly (string | number)[], cast: string): SQL =>
  sql`ARRAY[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::${sql.raw(cast)}`;

/** The SQL condition "in the focus" over the `chunks` row (false without a focus). */
export function focusSql(focus: SearchFocus | null | undefined): SQL {
  if (!focus) return sql`false`;
  const docs = focus.documentIds?.length ? focus.documentIds : null;
  const pages = focus.pages?.length ? focus.pages : null;
  const patterns = focus.sectionPatterns?.length ? focus.sectionPatterns : null;
  if (!docs && !pages && !patterns) return sql`false`;
  const where: SQL[] = [];
  if (pages) {
    where.push(
      sql.join(
        pages.map(
          (p) => sql`(chunks.page_start <= ${Math.floor(p.to)} AND chunks.page_end >= ${Math.floor(p.from)})`,
        ),
        sql` OR `,
      ),
    );
  }
  if (patterns) {
    where.push(
      sql`EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce(chunks.section_path, '[]'::jsonb)) AS title(t)
                  WHERE title.t ~* ANY(${literalList(patterns, 'text[]')}))`,
    );
  }
  const inPart = where.length > 0 ? sql`(${sql.join(where, sql` OR `)})` : sql`true`;
  return docs ? sql`(chunks.document_id = ANY(${literalList(docs, 'uuid[]')}) AND ${inPart})` : inPart;
}

/**
 * `chunk_search_tsv(column)` — the lexemes the chunks were indexed with — for the question's text and
 * words. `chunk_code_terms` (its code-like part) finds terms only around an underscore, a dash, a dot
 * or an operator character, so a text without any of them gets the same lexemes and positions from
 * `to_tsvector('english', …)` alone, without the three regular-expression scans that cost about 0.1 ms
 * a call in the embedded database (and the question's words are looked up one by one).
 */
export const searchTsvSql = (column: string): SQL =>
  sql`(CASE WHEN ${sql.raw(column)} ~ '[-_+*/%$#@!&|^~:=<>.;]' THEN chunk_search_tsv(${sql.raw(column)})
    ELSE to_tsvector('english', ${sql.raw(column)}) END)`;

/** What {@link rankedSearchSql} builds its statement from. */
export interface RankedSearchInput {
  scopeWhere: SQL;
  /** The same scope over `documents` (their user, class and id). */
  scopeDocuments: SQL;
  query: string | Placeholder;
  limit: number | Placeholder;
  /** How many chunks proximity is computed for: the larger of `limit` and `params.rerankPool`. */
  poolLimit: number | Placeholder;
  all: boolean;
  focus: SQL;
  params: RankingParams;
  ignoreWords: string | Placeholder;
  lightWords: string | Placeholder;
  /** Related words: lists of space-separated words, separated by ';' (see `FullTextOptions.expansions`). */
  expansions: string | Placeholder;
}

/**
 * One statement: the question's terms (`chunk_search_tsv`, as the chunks were indexed, with the
 * endings of contractions — "I'm", "you've", "we'll" — dropped: a lone "m" or "ve" names nothing), the scope's
 * size and mean chunk length, every chunk of the scope holding a term with each term's frequency,
 * each term's document frequency and idf, BM25 + title for all of them, proximity for the best
 * `rerankPool`, and the top `limit` with their hit columns. `termMatch` is the share of the
 * question's idf the chunk holds (what the relevance floor looks at).
 *
 * Cost: the planner takes each CTE for one row and joins CTEs by nested loops, so no step joins two of
 * them on the chunk id (that costs matches² comparisons): what scoring needs of a chunk travels with its
 * term rows, and the pool reads section titles and tsvectors through the primary key. CTEs used per
 * row (`pairs`, `words`) are materialized so their tsqueries and lexemes are built once per statement.
 *
 * Each builder below yields a run of CTEs (each ending with its closing parenthesis), joined by commas.
 */
export function rankedSearchSql(input: RankedSearchInput): SQL {
  return sql`
WITH ${questionTermsCtes(input)}, ${scopeMatchesCtes(input)}, ${termWeightsCtes(input)}, ${poolCtes(input)}, ${rerankCtes(input)}, words AS MATERIALIZED (
  SELECT regexp_replace(s.word, '^[("''“‘\\[]+|[?!,;:"''”’\\].]+$', '', 'g') AS word, u.lexeme
  FROM regexp_split_to_table(${input.query} || ' ' || replace(${input.expansions}, ';', ' '), '\\s+') WITH ORDINALITY AS s(word, n)
  CROSS JOIN LATERAL unnest(${searchTsvSql('s.word')}) AS u
  WHERE s.n <= 200
)
SELECT chunks.id AS "chunkId", chunks.document_id AS "documentId", chunks.class_id AS "classId",
  documents.file_name AS "fileName", chunks.chunk_index AS "chunkIndex",
  chunks.page_start AS "pageStart", chunks.page_end AS "pageEnd",
  chunks.char_start AS "charStart", chunks.char_end AS "charEnd", chunks.text, chunks.token_count AS "tokenCount",
  chunks.section_path AS "sectionPath", chunks.section_page_start AS "sectionPageStart",
  chunks.section_page_end AS "sectionPageEnd", chunks.page_kind AS "pageKind", chunks.source_map AS "sourceMap",
  r.score, r.term_match AS "termMatch", r.in_focus AS "inFocus", r.listing,
  -- The question's terms are the same for every hit: sent with the first only.
  CASE WHEN r.n = 1 THEN (SELECT jsonb_agg(jsonb_build_object(
      'term', w.lexeme, 'df', w.df, 'idf', CASE WHEN w.expanded THEN w.rank_idf / sqrt(w.group_n) ELSE w.idf END,
      'words', coalesce((SELECT jsonb_agg(DISTINCT x.word) FROM words x WHERE x.lexeme = w.lexeme), '[]'::jsonb)
    ) || CASE WHEN w.expanded THEN '{"related": true}'::jsonb ELSE '{}'::jsonb END ORDER BY w.pos) FROM (SELECT w.*, count(*) FILTER (WHERE w.df > 0) OVER (PARTITION BY w.src) AS group_n FROM w) w
    WHERE NOT w.expanded OR w.df > 0) END AS terms
FROM top r
JOIN chunks ON chunks.id = r.id
JOIN documents ON documents.id = chunks.document_id
ORDER BY r.n`;
}

/**
 * `qt`: the question's own terms; `t`: those and the related words, each with its tsqueries; `anyq`:
 * the tsquery that finds the chunks.
 */
function questionTermsCtes(input: RankedSearchInput): SQL {
  return sql`qt AS (
  SELECT u.lexeme, u.positions[1] AS pos
  FROM regexp_replace(${input.query}, '([[:alpha:]])[''’](m|re|ve|ll|d)\\M', '\\1', 'gi') AS q(text)
  CROSS JOIN LATERAL unnest(${searchTsvSql('q.text')}) AS u
  WHERE u.lexeme NOT IN (SELECT i.lexeme FROM unnest(to_tsvector('english', ${input.ignoreWords})) AS i)
    AND strpos(u.lexeme, E'\\\\') = 0
  ORDER BY 2
  LIMIT ${MAX_QUERY_TERMS}
), t AS (
  -- The question's terms, then the related words it does not already hold (positions after its own),
  -- each with the group (src: the question word) it stands in for.
  SELECT a.lexeme, a.pos, a.src, a.src IS NOT NULL AS expanded, quote_literal(a.lexeme)::tsquery AS tq,
    (quote_literal(a.lexeme) || ':A')::tsquery AS title_tq
  FROM (
    SELECT qt.lexeme, qt.pos, NULL::bigint AS src FROM qt
    UNION ALL
    (SELECT DISTINCT ON (e.lexeme) e.lexeme, 100000 * g.src + e.positions[1], g.src
     FROM regexp_split_to_table(${input.expansions}, ';') WITH ORDINALITY AS g(words, src)
     CROSS JOIN LATERAL unnest(${searchTsvSql('g.words')}) AS e
     WHERE e.lexeme NOT IN (SELECT qt.lexeme FROM qt) AND strpos(e.lexeme, E'\\\\') = 0
       AND EXISTS (SELECT 1 FROM qt)
     ORDER BY e.lexeme, g.src LIMIT ${MAX_QUERY_TERMS})
  ) a
), anyq AS (
  -- Chunks are found by the question's own words; related words only rank what those find.
  SELECT string_agg(quote_literal(lexeme), ' | ')::tsquery AS tq FROM t WHERE NOT t.expanded
)`;
}

/**
 * `stats`: the scope's size and mean chunk length; `m`: its chunks holding a term; `mt`: a row per
 * chunk and term it holds, with the term's frequency and title match; `per_doc`: each term's chunks
 * per document.
 */
function scopeMatchesCtes(input: RankedSearchInput): SQL {
  return sql`stats AS (
  -- Each document keeps its stored chunks' count and tokens (kept by triggers on chunks): no second
  -- scan of the scope's chunks. The division is avg()'s own, so the scores are the same to the bit.
  SELECT coalesce(sum(documents.stored_chunks), 0)::float8 AS n,
    coalesce(sum(documents.stored_tokens) / nullif(sum(documents.stored_chunks), 0), 1)::float8 AS avglen
  FROM documents WHERE ${input.scopeDocuments}
), m AS MATERIALIZED (
  SELECT chunks.id, chunks.tsv, chunks.section_tsv, chunks.token_count, (${input.focus}) AS in_focus,
    chunks.listing, chunks.opens_section AS lead, chunks.document_id AS doc
  FROM chunks, anyq
  WHERE ${input.scopeWhere} AND chunks.tsv @@ anyq.tq
), mt AS (
  SELECT m.id, m.token_count, m.listing, m.lead, m.in_focus, m.doc,
    t.lexeme, ts_rank_cd('{1,1,1,1}', m.tsv, t.tq, 0)::float8 AS tf,
    CASE WHEN m.section_tsv @@ t.title_tq THEN 1
         WHEN m.section_tsv @@ t.tq THEN 0.5 ELSE 0 END AS in_title
  FROM m JOIN t ON m.tsv @@ t.tq
), per_doc AS (
  -- Each term's chunks per document (mt holds a row per chunk and term): its df, and the documents
  -- it names.
  SELECT lexeme, doc, count(*) AS n FROM mt GROUP BY lexeme, doc
)`;
}

/** `w`: each term's df, idf, ranking idf and `termMatch` weight; `marked`: the documents a term names. */
function termWeightsCtes(input: RankedSearchInput): SQL {
  return sql`w AS (
  SELECT v.lexeme, v.pos, v.df, v.idf, v.src, v.expanded,
    v.idf * (CASE WHEN v.expanded THEN ${f8(input.params.expansionWeight)} ELSE 1 END) AS rank_idf,
    v.idf * (CASE WHEN v.expanded THEN 0 ELSE 1 END)
      * (CASE WHEN v.lexeme ~ '^[0-9][0-9.,]*[a-z]{0,2}$' THEN ${f8(input.params.numericTermWeight)} ELSE 1 END)
      * (CASE WHEN v.df = 0 AND v.lexeme IN (SELECT l.lexeme FROM unnest(to_tsvector('english', ${input.lightWords})) AS l)
         THEN ${f8(input.params.absentLightWeight)} ELSE 1 END) AS weight
  FROM (
    SELECT t.lexeme, t.pos, t.src, t.expanded, coalesce(d.df, 0)::int AS df,
      ln(1 + (s.n - coalesce(d.df, 0) + 0.5) / (coalesce(d.df, 0) + 0.5)) AS idf
    FROM t CROSS JOIN stats s
    LEFT JOIN (SELECT lexeme, sum(n) AS df FROM per_doc GROUP BY lexeme) d USING (lexeme)
  ) v
), marked AS (
  SELECT d.doc FROM per_doc d JOIN w USING (lexeme) JOIN documents ON documents.id = d.doc
  WHERE NOT w.expanded
    AND d.n >= ${f8(input.params.markShare)} * w.df AND d.n >= ${f8(input.params.markCover)} * documents.stored_chunks
)`;
}

/**
 * `mw`: the term rows scoring counts (a group of related words counts its best); `scored`: BM25 and
 * title sums per chunk; `pool`: the best `poolLimit` by BM25 + title, times the factors.
 */
function poolCtes(input: RankedSearchInput): SQL {
  const { k1, b, titleWeight } = input.params;
  const factors = scoreFactors(input.params);
  return sql`mw AS (
  -- A group of related words stands in for one word of the question: a chunk counts only its best
  -- match in each group, so one holding "save", "export" and "output" is not raised three times.
  -- (Only related words are sorted for it: a question without any pays nothing.)
  SELECT mt.*, w.idf, w.rank_idf, w.weight, w.expanded FROM mt JOIN w USING (lexeme) WHERE NOT w.expanded
  UNION ALL
  (SELECT DISTINCT ON (mt.id, w.src) mt.*, w.idf, w.rank_idf, w.weight, w.expanded
   FROM mt JOIN w USING (lexeme) CROSS JOIN stats s
   WHERE w.expanded
   ORDER BY mt.id, w.src,
     w.rank_idf * mt.tf / (mt.tf + ${f8(k1)} * (1 - ${f8(b)} + ${f8(b)} * mt.token_count / s.avglen)) DESC,
     w.lexeme)
), scored AS (
  SELECT x.id, x.listing, x.lead, x.in_focus, x.doc IN (SELECT doc FROM marked) AS marked,
    sum(x.rank_idf * x.tf * ${f8(k1 + 1)}
        / (x.tf + ${f8(k1)} * (1 - ${f8(b)} + ${f8(b)} * x.token_count / s.avglen))) AS bm25,
    coalesce(sum(x.rank_idf) FILTER (WHERE x.in_title = 1), 0) AS title_inner,
    count(*) FILTER (WHERE x.in_title = 1) AS title_matched,
    coalesce(sum(x.rank_idf * x.in_title) FILTER (WHERE x.in_title < 1), 0) AS title_outer,
    sum(x.weight) / nullif((SELECT sum(weight) FROM w), 0) AS term_match,
    count(*) FILTER (WHERE NOT x.expanded) AS matched
  FROM mw x CROSS JOIN stats s
  GROUP BY x.id, x.listing, x.lead, x.in_focus, x.doc
), pool AS (
  SELECT m.id, m.term_match, m.listing, m.lead, m.in_focus, m.marked,
    m.bm25 + ${f8(titleWeight)} * ti.title AS text_score,
    (m.bm25 + ${f8(titleWeight)} * ti.title) * ${factors} AS base
  FROM scored m -- named m for the factors
  -- The title's length (numbering left out) is counted only for chunks whose title holds a term.
  CROSS JOIN LATERAL (SELECT m.title_outer + CASE WHEN m.title_matched = 0 THEN 0 ELSE
      m.title_inner * least(1, m.title_matched::float8 / greatest(1, (SELECT count(*)
        FROM chunks c, unnest(ts_filter(c.section_tsv, '{a}')) AS u
        WHERE c.id = m.id AND u.lexeme !~ '^[0-9][0-9.]*$'))) END AS title) ti
  ${input.all ? sql`WHERE m.matched = (SELECT count(*) FROM qt)` : sql``}
  ORDER BY base DESC
  LIMIT ${input.poolLimit}
)`;
}

/**
 * `ordered`, `pairs`: the question's neighbouring term pairs; `pooled`: the pool scored with
 * proximity; `ranked`: openings lifted above their section's short chunks; `top`: the `limit` best.
 */
function rerankCtes(input: RankedSearchInput): SQL {
  const { proximityWeight } = input.params;
  const factors = scoreFactors(input.params);
  return sql`ordered AS (
  SELECT w.lexeme, w.idf, row_number() OVER (ORDER BY w.pos) AS i FROM w WHERE NOT w.expanded
), pairs AS MATERIALIZED (
  SELECT (quote_literal(a.lexeme) || ' & ' || quote_literal(z.lexeme))::tsquery AS tq, (a.idf + z.idf) / 2 AS idf
  FROM ordered a JOIN ordered z ON z.i = a.i + 1
), pooled AS (
  SELECT m.id, m.term_match, m.in_focus, m.listing, m.lead, m.marked, c.document_id, c.chunk_index, c.section_path,
    c.token_count <= (SELECT avglen FROM stats) AS short,
    (m.text_score + ${f8(proximityWeight)} * coalesce(
      (SELECT sum(p.idf * least(1, ts_rank_cd('{1,1,1,1}', c.tsv, p.tq, 0))) FROM pairs p WHERE c.tsv @@ p.tq), 0)
    ) * ${factors} AS score
  FROM pool m JOIN chunks c ON c.id = m.id
), ranked AS (
  -- The pool joined to itself: at most rerankPool² comparisons. An opening goes just above the best short chunk of its section (or subsections) that outscores
  -- it by little enough; the tiny share of its own score orders two openings lifted alike.
  SELECT r.id, r.term_match, r.in_focus, r.listing, r.document_id, r.chunk_index, greatest(r.score, coalesce((
      SELECT max(o.score) + 0.01 * r.score FROM pooled o
      WHERE r.lead AND o.document_id = r.document_id AND o.short AND NOT o.lead
        AND (r.in_focus OR NOT o.in_focus)
        AND o.score * ${f8(input.params.openingShare)} <= r.score
        AND (o.section_path = r.section_path
          OR starts_with(o.section_path::text, left(r.section_path::text, -1) || ','))), 0)) AS score
  FROM pooled r
), top AS (
  -- The hits returned, best first: only they are joined to their rows (the pool holds rerankPool).
  SELECT r.*, row_number() OVER (ORDER BY r.score DESC, r.document_id, r.chunk_index) AS n
  FROM ranked r
  ORDER BY r.score DESC, r.document_id, r.chunk_index
  LIMIT ${input.limit}
)`;
}

/** kind · lead · focus · named, over the row `m`. */
function scoreFactors(params: RankingParams): SQL {
  const { nonBodyFactor, leadBoost, focusBoost, markBoost } = params;
  return sql`(CASE WHEN m.listing THEN ${f8(nonBodyFactor)} ELSE 1 END)
      * (CASE WHEN m.lead THEN ${f8(leadBoost)} ELSE 1 END)
      * (CASE WHEN m.in_focus THEN ${f8(focusBoost)} ELSE 1 END)
      * (CASE WHEN m.marked THEN ${f8(markBoost)} ELSE 1 END)`;
}
