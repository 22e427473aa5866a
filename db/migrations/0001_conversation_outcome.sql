ALTER TABLE "conversations" ADD COLUMN "last_outbound_status" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "last_outbound_error_code" integer;