ALTER TABLE "conversations" ADD COLUMN "paused_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "taken_over_by" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "snooze" jsonb;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "awaiting_reply_since" timestamp with time zone;