CREATE TABLE "rules" (
	"version" integer PRIMARY KEY NOT NULL,
	"document" jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "team_queue" (
	"conversation_id" uuid PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"team" text NOT NULL,
	"language" text,
	"urgency_rank" integer NOT NULL,
	"enqueued_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "last_assigned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "team_queue" ADD CONSTRAINT "team_queue_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "team_queue_order_idx" ON "team_queue" USING btree ("team","urgency_rank","enqueued_at");