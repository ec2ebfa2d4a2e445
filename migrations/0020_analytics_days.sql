CREATE TABLE "analytics_days" (
	"workspace_id" uuid NOT NULL,
	"flow_id" uuid,
	"number_id" uuid NOT NULL,
	"day" date NOT NULL,
	"metric" text NOT NULL,
	"key" text DEFAULT '' NOT NULL,
	"h00" bigint DEFAULT 0 NOT NULL,
	"h01" bigint DEFAULT 0 NOT NULL,
	"h02" bigint DEFAULT 0 NOT NULL,
	"h03" bigint DEFAULT 0 NOT NULL,
	"h04" bigint DEFAULT 0 NOT NULL,
	"h05" bigint DEFAULT 0 NOT NULL,
	"h06" bigint DEFAULT 0 NOT NULL,
	"h07" bigint DEFAULT 0 NOT NULL,
	"h08" bigint DEFAULT 0 NOT NULL,
	"h09" bigint DEFAULT 0 NOT NULL,
	"h10" bigint DEFAULT 0 NOT NULL,
	"h11" bigint DEFAULT 0 NOT NULL,
	"h12" bigint DEFAULT 0 NOT NULL,
	"h13" bigint DEFAULT 0 NOT NULL,
	"h14" bigint DEFAULT 0 NOT NULL,
	"h15" bigint DEFAULT 0 NOT NULL,
	"h16" bigint DEFAULT 0 NOT NULL,
	"h17" bigint DEFAULT 0 NOT NULL,
	"h18" bigint DEFAULT 0 NOT NULL,
	"h19" bigint DEFAULT 0 NOT NULL,
	"h20" bigint DEFAULT 0 NOT NULL,
	"h21" bigint DEFAULT 0 NOT NULL,
	"h22" bigint DEFAULT 0 NOT NULL,
	"h23" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "analytics_days_key" UNIQUE NULLS NOT DISTINCT("workspace_id","day","flow_id","number_id","metric","key")
);
--> statement-breakpoint
ALTER TABLE "analytics_days" ADD CONSTRAINT "analytics_days_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_days" ADD CONSTRAINT "analytics_days_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- The days of the hours counted so far (the turns' commits add to both from now on).
INSERT INTO "analytics_days" ("workspace_id", "flow_id", "number_id", "day", "metric", "key", "h00", "h01", "h02", "h03", "h04", "h05", "h06", "h07", "h08", "h09", "h10", "h11", "h12", "h13", "h14", "h15", "h16", "h17", "h18", "h19", "h20", "h21", "h22", "h23")
SELECT r.workspace_id, r.flow_id, r.number_id, r.day, r.metric, r.key,
  sum(case when r.h = 0 then r.count else 0 end),
  sum(case when r.h = 1 then r.count else 0 end),
  sum(case when r.h = 2 then r.count else 0 end),
  sum(case when r.h = 3 then r.count else 0 end),
  sum(case when r.h = 4 then r.count else 0 end),
  sum(case when r.h = 5 then r.count else 0 end),
  sum(case when r.h = 6 then r.count else 0 end),
  sum(case when r.h = 7 then r.count else 0 end),
  sum(case when r.h = 8 then r.count else 0 end),
  sum(case when r.h = 9 then r.count else 0 end),
  sum(case when r.h = 10 then r.count else 0 end),
  sum(case when r.h = 11 then r.count else 0 end),
  sum(case when r.h = 12 then r.count else 0 end),
  sum(case when r.h = 13 then r.count else 0 end),
  sum(case when r.h = 14 then r.count else 0 end),
  sum(case when r.h = 15 then r.count else 0 end),
  sum(case when r.h = 16 then r.count else 0 end),
  sum(case when r.h = 17 then r.count else 0 end),
  sum(case when r.h = 18 then r.count else 0 end),
  sum(case when r.h = 19 then r.count else 0 end),
  sum(case when r.h = 20 then r.count else 0 end),
  sum(case when r.h = 21 then r.count else 0 end),
  sum(case when r.h = 22 then r.count else 0 end),
  sum(case when r.h = 23 then r.count else 0 end)
FROM (
  SELECT workspace_id, flow_id, number_id, (hour AT TIME ZONE 'UTC')::date AS day,
    extract(hour FROM hour AT TIME ZONE 'UTC')::int AS h, metric, key, count
  FROM "analytics_hours"
) r
GROUP BY 1, 2, 3, 4, 5, 6;
