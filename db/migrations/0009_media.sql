CREATE TABLE "media" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sha256" text NOT NULL,
	"mime_type" text NOT NULL,
	"size" integer NOT NULL,
	"filename" text,
	"wa_media_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "media_ref" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "media_error" text;--> statement-breakpoint
CREATE UNIQUE INDEX "media_wa_media_uq" ON "media" USING btree ("wa_media_id");