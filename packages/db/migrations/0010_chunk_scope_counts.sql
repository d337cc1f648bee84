-- (generated, then hand-edited: drizzle-kit does not model functions or triggers)
-- Full-text ranking needs the searched scope's size and mean chunk length (BM25's N and avgdl).
-- Counting them from the chunks read every chunk of the scope a second time in every search; each
-- document now keeps its chunks' count and tokens, updated by statement triggers in the transaction
-- that writes the chunks, so a search sums a few document rows and idf never lags behind an upload.
ALTER TABLE "documents" ADD COLUMN "stored_chunks" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "stored_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- One function for the three events; each branch reads only the transition tables its event has.
CREATE OR REPLACE FUNCTION chunks_count_into_documents() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE documents d SET stored_chunks = d.stored_chunks - o.n, stored_tokens = d.stored_tokens - o.tokens
    FROM (SELECT document_id, count(*) AS n, sum(token_count) AS tokens FROM old_chunks GROUP BY document_id) o
    WHERE d.id = o.document_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE documents d SET stored_chunks = d.stored_chunks + x.n, stored_tokens = d.stored_tokens + x.tokens
    FROM (SELECT document_id, count(*) AS n, sum(token_count) AS tokens FROM new_chunks GROUP BY document_id) x
    WHERE d.id = x.document_id;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER chunks_count_insert AFTER INSERT ON "chunks" REFERENCING NEW TABLE AS new_chunks
  FOR EACH STATEMENT EXECUTE FUNCTION chunks_count_into_documents();--> statement-breakpoint
CREATE TRIGGER chunks_count_update AFTER UPDATE ON "chunks" REFERENCING OLD TABLE AS old_chunks NEW TABLE AS new_chunks
  FOR EACH STATEMENT EXECUTE FUNCTION chunks_count_into_documents();--> statement-breakpoint
CREATE TRIGGER chunks_count_delete AFTER DELETE ON "chunks" REFERENCING OLD TABLE AS old_chunks
  FOR EACH STATEMENT EXECUTE FUNCTION chunks_count_into_documents();--> statement-breakpoint
UPDATE "documents" d SET "stored_chunks" = c.n, "stored_tokens" = c.tokens
FROM (SELECT document_id, count(*) AS n, sum(token_count) AS tokens FROM "chunks" GROUP BY document_id) c
WHERE d.id = c.document_id;
