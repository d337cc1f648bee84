-- (generated, then hand-edited: drizzle-kit does not model the vector guard, storage parameters, the
-- copy of existing embeddings or the rewrite of chunks)
-- A chunk's embedding moves to a table of its own, beside the columns a vector search filters and
-- orders by. Both retrieval statements scan the rows of the class searched: the exact vector scan
-- read each chunk's whole row (text, tsvectors and source map beside the 2 kB vector) for its
-- embedding, and full-text search read rows twice as wide as it needs. The vector parts are skipped
-- when the migrating session sets classchat.without_vector = 'on' (see 0000): chunks then have no
-- embedding column and no embeddings table.
DO $$ BEGIN
	IF current_setting('classchat.without_vector', true) IS DISTINCT FROM 'on' THEN
		CREATE TABLE "chunk_embeddings" (
			"chunk_id" uuid PRIMARY KEY NOT NULL,
			"user_id" uuid NOT NULL,
			"class_id" uuid,
			"document_id" uuid NOT NULL,
			"chunk_index" integer NOT NULL,
			"embedding" vector(512) NOT NULL
		);
		-- As for chunks (0001): the vector stays in its row, not in TOAST, where every distance would fetch it.
		ALTER TABLE "chunk_embeddings" SET (toast_tuple_target = 8160);
		ALTER TABLE "chunk_embeddings" ADD CONSTRAINT "chunk_embeddings_chunk_id_chunks_id_fk" FOREIGN KEY ("chunk_id") REFERENCES "public"."chunks"("id") ON DELETE cascade ON UPDATE no action;
		-- In scope order, so that a class's embeddings share pages.
		INSERT INTO "chunk_embeddings" ("chunk_id", "user_id", "class_id", "document_id", "chunk_index", "embedding")
			SELECT "id", "user_id", "class_id", "document_id", "chunk_index", "embedding" FROM "chunks"
			WHERE "embedding" IS NOT NULL ORDER BY "user_id", "class_id", "document_id", "chunk_index";
		CREATE INDEX "chunk_embeddings_scope_idx" ON "chunk_embeddings" USING btree ("user_id","class_id","document_id");
		-- The graph of a large store built in memory (for this transaction only).
		PERFORM set_config('maintenance_work_mem', '512MB', true);
		CREATE INDEX "chunk_embeddings_hnsw_idx" ON "chunk_embeddings" USING hnsw ("embedding" vector_cosine_ops);
		ALTER TABLE "chunks" DROP COLUMN "embedding";
		-- Dropping a column leaves its bytes in the stored rows; rewriting the table (a type change
		-- to the same type through an expression, the one rewrite a transaction may run) removes them.
		ALTER TABLE "chunks" ALTER COLUMN "chunk_index" TYPE integer USING "chunk_index" + 0;
	END IF;
END $$;
