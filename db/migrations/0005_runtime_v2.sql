CREATE TABLE "outbox" (
	"key" text PRIMARY KEY NOT NULL,
	"conversation_id" uuid NOT NULL,
	"workflow_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"request" jsonb NOT NULL,
	"sent_by" text,
	"wa_message_id" text,
	"error_code" integer,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "assigned_run_id" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "recorded_by_run" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_conversation_idx" ON "outbox" USING btree ("conversation_id","created_at");--> statement-breakpoint
CREATE INDEX "outbox_status_idx" ON "outbox" USING btree ("status");--> statement-breakpoint
CREATE INDEX "interaction_events_orphan_status_idx" ON "interaction_events" USING btree (("payload"->>'waMessageId')) WHERE "interaction_events"."kind" = 'orphan_status';