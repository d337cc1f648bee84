-- (generated, then hand-edited: drizzle-kit does not model functions, and dropping "tsv" drops its index)
-- PostgreSQL's 'english' parser splits `asn1_write_value` into asn1/write/valu, drops the dashes of
-- `--check` and every operator (`==`, `:=`, `%`), and keeps `read.csv` as one "host" token without
-- its parts. Full-text search also indexes code-like terms whole — identifiers with underscores and
-- command-line options lowercased, operators standing alone as written — each occurrence with its own
-- position so term frequency counts it, and the English lexemes of a dotted name's parts, so a
-- student finds `asn1_write_value`, `--check`, `x == NA` and `read.csv` as typed, and `read.csv`
-- also by "read a csv file".
CREATE OR REPLACE FUNCTION chunk_code_terms(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(
    (SELECT string_agg('''' || lower(m[1]) || ''':' || n, ' ')
       FROM regexp_matches(t, '(?:^|[^A-Za-z0-9_.-])((?:--?[A-Za-z][A-Za-z0-9-]*)|(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(?:_+[A-Za-z0-9]+)+))', 'g')
         WITH ORDINALITY AS x(m, n))::tsvector,
    ''::tsvector)
  || coalesce(
    (SELECT string_agg('''' || m[1] || ''':' || n, ' ')
       FROM regexp_matches(t, '(?:^|[[:space:](\[{,"`“‘])([-+*/%$#@!&|^~:=<>.;]{1,3})(?=$|[[:space:])\]},"`”’?])', 'g')
         WITH ORDINALITY AS x(m, n)
      -- A full stop or exclamation mark typed apart from its sentence is punctuation, and a question
      -- mark ends the question ("… with $?" asks about `$`).
      WHERE m[1] NOT IN ('!', '.'))::tsvector,
    ''::tsvector)
  || to_tsvector('english', coalesce(
    (SELECT string_agg(replace(m[1], '.', ' '), ' ')
       FROM regexp_matches(t, '([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)', 'g') AS y(m)),
    ''))
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION chunk_search_tsv(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_tsvector('english', t) || chunk_code_terms(t)
$$;--> statement-breakpoint
ALTER TABLE "chunks" DROP COLUMN "tsv";--> statement-breakpoint
ALTER TABLE "chunks" ADD COLUMN "tsv" "tsvector" GENERATED ALWAYS AS (chunk_search_tsv("text")) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "chunks" ADD COLUMN "section_tsv" "tsvector" GENERATED ALWAYS AS (setweight(chunk_search_tsv(coalesce("section_path" ->> -1, '')), 'A') || chunk_search_tsv(coalesce("section_path", '[]'::jsonb)::text)) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "chunks_tsv_gin_idx" ON "chunks" USING gin ("tsv");
