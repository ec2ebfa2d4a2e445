CREATE TYPE "public"."contact_attribute_type" AS ENUM('text', 'number', 'date', 'boolean');--> statement-breakpoint
CREATE TABLE "contact_attributes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"type" "contact_attribute_type" NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contact_tags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contacts" DROP CONSTRAINT "contacts_number_id_numbers_id_fk";
--> statement-breakpoint
DROP INDEX "contacts_number_wa_key";--> statement-breakpoint
ALTER TABLE "contacts" ALTER COLUMN "number_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "attributes" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "opted_out_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "opted_out_reason" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "last_seen_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "contact_attributes" ADD CONSTRAINT "contact_attributes_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_tags" ADD CONSTRAINT "contact_tags_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contact_attributes_workspace_key" ON "contact_attributes" USING btree ("workspace_id","key");--> statement-breakpoint
CREATE UNIQUE INDEX "contact_tags_workspace_name_key" ON "contact_tags" USING btree ("workspace_id","name");--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_number_id_numbers_id_fk" FOREIGN KEY ("number_id") REFERENCES "public"."numbers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- One contact per person per workspace: a WhatsApp id known to several numbers of a workspace merges
-- into the contact seen first; conversations (they stay per number) and results move to it.
UPDATE "contacts" c SET "name" = d."name" FROM (
	SELECT DISTINCT ON (k.keep) k.keep, x."name" FROM "contacts" x
	JOIN (SELECT "id", first_value("id") OVER (PARTITION BY "workspace_id", "wa_id" ORDER BY "created_at", "id") AS keep FROM "contacts") k ON k."id" = x."id"
	WHERE x."name" IS NOT NULL ORDER BY k.keep, x."created_at" DESC
) d WHERE c."id" = d.keep AND c."name" IS NULL;--> statement-breakpoint
UPDATE "conversations" v SET "contact_id" = k.keep FROM (
	SELECT "id", first_value("id") OVER (PARTITION BY "workspace_id", "wa_id" ORDER BY "created_at", "id") AS keep FROM "contacts"
) k WHERE v."contact_id" = k."id" AND k."id" <> k.keep;--> statement-breakpoint
UPDATE "results" r SET "contact_id" = k.keep FROM (
	SELECT "id", first_value("id") OVER (PARTITION BY "workspace_id", "wa_id" ORDER BY "created_at", "id") AS keep FROM "contacts"
) k WHERE r."contact_id" = k."id" AND k."id" <> k.keep;--> statement-breakpoint
DELETE FROM "contacts" c USING (
	SELECT "id", first_value("id") OVER (PARTITION BY "workspace_id", "wa_id" ORDER BY "created_at", "id") AS keep FROM "contacts"
) k WHERE c."id" = k."id" AND k."id" <> k.keep;--> statement-breakpoint
-- The phone of a WhatsApp id (its digits), and when the contact was last seen (their latest conversation).
UPDATE "contacts" SET "phone" = '+' || split_part("wa_id", '@', 1) WHERE split_part("wa_id", '@', 1) ~ '^[1-9][0-9]{5,14}$';--> statement-breakpoint
UPDATE "contacts" c SET "last_seen_at" = coalesce(
	(SELECT max(v."last_activity_at") FROM "conversations" v WHERE v."contact_id" = c."id"), c."created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_workspace_wa_key" ON "contacts" USING btree ("workspace_id","wa_id");--> statement-breakpoint
CREATE INDEX "contacts_tags_idx" ON "contacts" USING gin ("tags");