ALTER TABLE "memberships" ADD COLUMN "inbox_seen_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "last_assigned_at" timestamp (3) with time zone;