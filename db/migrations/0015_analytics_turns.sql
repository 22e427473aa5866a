CREATE TABLE "response_turns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" uuid NOT NULL,
	"decision_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"team" text,
	"agent_id" text,
	"started_at" timestamp with time zone NOT NULL,
	"needs_reply" boolean NOT NULL,
	"due_at" timestamp with time zone,
	"responded_at" timestamp with time zone,
	"responded_by" text,
	"responder" text,
	"breaches" integer DEFAULT 0 NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "response_turns" ADD CONSTRAINT "response_turns_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "response_turns_started_idx" ON "response_turns" USING btree ("started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "response_turns_decision_uq" ON "response_turns" USING btree ("decision_id");--> statement-breakpoint
CREATE INDEX "response_turns_conversation_idx" ON "response_turns" USING btree ("conversation_id","started_at");--> statement-breakpoint
CREATE INDEX "response_turns_open_idx" ON "response_turns" USING btree ("conversation_id") WHERE "response_turns"."responded_at" is null and "response_turns"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "interaction_events_follow_up_idx" ON "interaction_events" USING btree ("at") WHERE "interaction_events"."kind" = 'follow_up';