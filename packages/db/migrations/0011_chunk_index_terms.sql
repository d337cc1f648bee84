-- (written by hand, like the snapshot's new column)
-- A manual's back-of-book index says which pages treat a word, even where those pages use another
-- word for it ("legend, 158" on the page that calls it a "key"). Ingestion stores, per chunk, the
-- lexemes of the index entries that list its pages; full-text ranking ranks a chunk up for a question
-- term it holds that the index also sends to its page. A nullable column without a default is added
-- at once, without rewriting the table; chunks stored before it have none until re-ingested.
ALTER TABLE "chunks" ADD COLUMN "index_tsv" "tsvector";
