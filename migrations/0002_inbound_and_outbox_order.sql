DROP INDEX "inbound_events_pending_idx";--> statement-breakpoint
DROP INDEX "outbox_due_idx";--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "from_wa_id" text NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
CREATE INDEX "inbound_events_pending_idx" ON "inbound_events" USING btree ("number_id","from_wa_id","seq") WHERE "inbound_events"."status" in ('pending', 'processing');--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "outbox" USING btree ("number_id","priority" DESC NULLS LAST,"seq") WHERE "outbox"."status" = 'queued';