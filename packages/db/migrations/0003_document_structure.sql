ALTER TABLE "chunks" ADD COLUMN "section_path" jsonb;--> statement-breakpoint
ALTER TABLE "chunks" ADD COLUMN "section_page_start" integer;--> statement-breakpoint
ALTER TABLE "chunks" ADD COLUMN "section_page_end" integer;--> statement-breakpoint
ALTER TABLE "chunks" ADD COLUMN "page_kind" text DEFAULT 'body' NOT NULL;--> statement-breakpoint
ALTER TABLE "chunks" ADD COLUMN "source_map" jsonb;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "outline" jsonb;