-- (generated, then hand-edited: drizzle-kit does not model functions or triggers)
-- What an answer reads of its scope's documents (which exist, their names, whether they are ready)
-- changes only with them. Each user carries a version that moves with every such change, read by the
-- chat's quota reservation and passed to rag, which keeps a scope's listing while the version stays.
ALTER TABLE "users" ADD COLUMN "documents_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE OR REPLACE FUNCTION documents_version_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Ingestion's progress writes `status` again without changing it: not a change of the listing.
  IF TG_OP = 'UPDATE' AND NEW.user_id = OLD.user_id AND NEW.class_id IS NOT DISTINCT FROM OLD.class_id
     AND NEW.file_name = OLD.file_name AND NEW.status = OLD.status
     AND NEW.error IS NOT DISTINCT FROM OLD.error THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE users SET documents_version = documents_version + 1 WHERE id = OLD.user_id;
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.user_id <> OLD.user_id) THEN
    UPDATE users SET documents_version = documents_version + 1 WHERE id = NEW.user_id;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER documents_version_bump
  AFTER INSERT OR DELETE OR UPDATE OF user_id, class_id, file_name, status, error ON "documents"
  FOR EACH ROW EXECUTE FUNCTION documents_version_bump();
