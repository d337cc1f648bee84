-- (hand-written: drizzle-kit does not model storage parameters)
-- A chunk row (512-dimension embedding ≈ 2 KB, plus text and tsvector) exceeds PostgreSQL's default
-- 2 KB TOAST target, so the embedding was moved out of line: every exact distance (a class-scoped
-- scan, the re-ranking after an HNSW scan) then paid a TOAST fetch. Keep rows up to a full page inline.
ALTER TABLE "chunks" SET (toast_tuple_target = 8160);
