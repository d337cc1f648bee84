ALTER TABLE "chat_sessions" ADD COLUMN "answer_id" uuid;--> statement-breakpoint
ALTER TABLE "chat_sessions" ADD COLUMN "answer_lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "chat_reservations" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "chat_request_reserved";--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "chat_request_reserved_at";