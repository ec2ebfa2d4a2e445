CREATE TABLE "analytics_block_hours" (
	"workspace_id" uuid NOT NULL,
	"flow_id" uuid NOT NULL,
	"flow_version_id" uuid NOT NULL,
	"node_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"metric" text NOT NULL,
	"key" text DEFAULT '' NOT NULL,
	"count" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_hours" (
	"workspace_id" uuid NOT NULL,
	"flow_id" uuid,
	"number_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"metric" text NOT NULL,
	"key" text DEFAULT '' NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "analytics_hours_key" UNIQUE NULLS NOT DISTINCT("workspace_id","hour","flow_id","number_id","metric","key")
);
--> statement-breakpoint
ALTER TABLE "analytics_block_hours" ADD CONSTRAINT "analytics_block_hours_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_block_hours" ADD CONSTRAINT "analytics_block_hours_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_block_hours" ADD CONSTRAINT "analytics_block_hours_flow_version_id_flow_versions_id_fk" FOREIGN KEY ("flow_version_id") REFERENCES "public"."flow_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_hours" ADD CONSTRAINT "analytics_hours_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_hours" ADD CONSTRAINT "analytics_hours_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "analytics_block_hours_key" ON "analytics_block_hours" USING btree ("flow_version_id","hour","node_id","metric","key");--> statement-breakpoint
CREATE INDEX "messages_failed_idx" ON "messages" USING btree ("workspace_id","created_at") WHERE "messages"."status" = 'failed';