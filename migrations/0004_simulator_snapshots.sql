DROP INDEX "flow_versions_flow_version_key";--> statement-breakpoint
ALTER TABLE "numbers" ADD COLUMN "pinned_version_id" uuid;--> statement-breakpoint
ALTER TABLE "numbers" ADD CONSTRAINT "numbers_pinned_version_id_flow_versions_id_fk" FOREIGN KEY ("pinned_version_id") REFERENCES "public"."flow_versions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "flow_versions_flow_version_key" ON "flow_versions" USING btree ("flow_id","version") WHERE "flow_versions"."status" <> 'draft';