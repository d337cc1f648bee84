ALTER TABLE "chat_sessions" ADD COLUMN "next_position" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE "chat_sessions" s SET "next_position" = coalesce((SELECT max(m."position") + 1 FROM "messages" m WHERE m."session_id" = s."id"), 0);
