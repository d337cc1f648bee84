-- (generated, then hand-edited: drizzle-kit does not model functions or triggers)
-- Two flags of full-text ranking depend only on the chunk's row. Computed in every search, for every
-- matching chunk, they cost about a fifth of the ranked statement; stored, ranking reads them.
-- Plain columns set by a trigger rather than generated columns: adding a stored generated column
-- rewrites the table and rebuilds its indexes (the HNSW one takes minutes on a large store), while a
-- column with a constant default is added at once and the backfill below touches only flagged rows.
-- Changing either definition takes a migration that replaces its function and reruns the backfill.
--
-- A listing names topics without covering them: a table-of-contents or index page, or a section
-- titled "Bibliography", "References", "Index", "Concept Index", "Contents", "7 References"…
CREATE OR REPLACE FUNCTION chunk_is_listing(page_kind text, section_path jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT page_kind <> 'body'
    OR coalesce(section_path ->> -1, '') ~* '^[^[:alnum:]]*([0-9]+(\.[0-9]+)*\.?[[:space:]]+)?(bibliography|references|index|[[:alpha:]]+ index|index of [[:alpha:] ]+|(table of )?contents)[^[:alnum:]]*$'
$$;--> statement-breakpoint
-- A chunk opens its section when its text starts with the section's title, or the title is a line of
-- its first 300 characters (a chapter's first section opens after the part and chapter headings; a
-- line that merely starts with a command's name does not count).
CREATE OR REPLACE FUNCTION chunk_opens_section(body text, section_path jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(
    starts_with(lower(ltrim(left(body, 300))), lower(nullif(section_path ->> -1, '')))
      OR strpos(E'\n' || lower(left(body, 300)) || E'\n', E'\n' || lower(nullif(section_path ->> -1, '')) || E'\n') > 0,
    false)
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION chunks_set_ranking_flags() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.listing := chunk_is_listing(NEW.page_kind, NEW.section_path);
  NEW.opens_section := chunk_opens_section(NEW.text, NEW.section_path);
  RETURN NEW;
END
$$;--> statement-breakpoint
ALTER TABLE "chunks" ADD COLUMN "listing" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "chunks" ADD COLUMN "opens_section" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE TRIGGER chunks_flags BEFORE INSERT OR UPDATE ON "chunks"
  FOR EACH ROW EXECUTE FUNCTION chunks_set_ranking_flags();--> statement-breakpoint
UPDATE "chunks" SET "listing" = chunk_is_listing("page_kind", "section_path"),
  "opens_section" = chunk_opens_section("text", "section_path")
WHERE chunk_is_listing("page_kind", "section_path") OR chunk_opens_section("text", "section_path");
