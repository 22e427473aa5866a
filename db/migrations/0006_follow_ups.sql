ALTER TABLE "contacts" ADD COLUMN "marketing_opt_in" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "next_follow_up_at" timestamp with time zone;