CREATE TABLE "inbound_handover" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"phone_number_id" text NOT NULL,
	"start" boolean NOT NULL,
	"wa_id" text,
	"summary" text,
	"events" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone DEFAULT now() + interval '30 seconds' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE INDEX "inbound_handover_claimed_idx" ON "inbound_handover" USING btree ("claimed_until");