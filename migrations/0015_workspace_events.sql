CREATE TABLE "conversation_reads" (
	"conversation_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"read_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversation_reads_conversation_id_user_id_pk" PRIMARY KEY("conversation_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "saved_replies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workspace_event_counters" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"last_seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workspace_events" (
	"workspace_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"kind" text NOT NULL,
	"conversation_id" uuid,
	"message_id" uuid,
	"number_id" uuid,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workspace_events_workspace_id_seq_pk" PRIMARY KEY("workspace_id","seq")
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "assigned_to" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "user_id" uuid;--> statement-breakpoint
ALTER TABLE "conversation_reads" ADD CONSTRAINT "conversation_reads_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_reads" ADD CONSTRAINT "conversation_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saved_replies" ADD CONSTRAINT "saved_replies_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_event_counters" ADD CONSTRAINT "workspace_event_counters_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_events" ADD CONSTRAINT "workspace_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "saved_replies_workspace_idx" ON "saved_replies" USING btree ("workspace_id","title");--> statement-breakpoint
CREATE INDEX "workspace_events_at_idx" ON "workspace_events" USING btree ("at");--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_assigned_to_users_id_fk" FOREIGN KEY ("assigned_to") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- The inbox's event log is written by triggers, in the transaction of the change, whoever makes it
-- (the runtime's one-statement commit, the sender's acks, the API). Statement-level triggers with
-- transition tables: one insert per statement, however many rows it wrote.
-- waflow_append_events numbers the events per workspace from workspace_event_counters, whose row
-- stays locked until the writer commits: seq is gapless and in commit order, so a stream that saw
-- seq N has seen everything before it. Counters are locked in workspace order (no deadlock between
-- statements touching several workspaces). Then one NOTIFY per statement wakes the streams.
CREATE OR REPLACE FUNCTION waflow_append_events(events jsonb) RETURNS void AS $$
DECLARE
  ws text;
BEGIN
  IF events IS NULL OR jsonb_array_length(events) = 0 THEN
    RETURN;
  END IF;
  WITH ev AS (
    SELECT e.workspace_id, e.kind, e.conversation_id, e.message_id, e.number_id, e.n,
      row_number() OVER (PARTITION BY e.workspace_id ORDER BY e.n) AS k,
      count(*) OVER (PARTITION BY e.workspace_id) AS total
    FROM jsonb_to_recordset(events)
      AS e(workspace_id uuid, kind text, conversation_id uuid, message_id uuid, number_id uuid, n bigint)
  ), counted AS (
    INSERT INTO workspace_event_counters AS c (workspace_id, last_seq)
    SELECT DISTINCT ON (workspace_id) workspace_id, total FROM ev ORDER BY workspace_id
    ON CONFLICT (workspace_id) DO UPDATE SET last_seq = c.last_seq + excluded.last_seq
    RETURNING c.workspace_id, c.last_seq
  )
  INSERT INTO workspace_events (workspace_id, seq, kind, conversation_id, message_id, number_id)
  SELECT ev.workspace_id, counted.last_seq - ev.total + ev.k, ev.kind, ev.conversation_id, ev.message_id, ev.number_id
  FROM ev JOIN counted ON counted.workspace_id = ev.workspace_id;
  SELECT string_agg(DISTINCT e->>'workspace_id', ',') INTO ws FROM jsonb_array_elements(events) e;
  -- A NOTIFY payload holds 8000 bytes: past about 200 workspaces, wake every stream.
  PERFORM pg_notify('workspace_events', CASE WHEN length(ws) > 7900 THEN '*' ELSE ws END);
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION waflow_events_message_insert() RETURNS trigger AS $$
BEGIN
  PERFORM waflow_append_events((
    SELECT jsonb_agg(jsonb_build_object('workspace_id', workspace_id, 'kind', 'message',
      'conversation_id', conversation_id, 'message_id', id, 'number_id', number_id, 'n', seq))
    FROM new_rows WHERE conversation_id IS NOT NULL));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION waflow_events_message_update() RETURNS trigger AS $$
BEGIN
  PERFORM waflow_append_events((
    SELECT jsonb_agg(jsonb_build_object('workspace_id', n.workspace_id, 'kind', 'message_status',
      'conversation_id', n.conversation_id, 'message_id', n.id, 'number_id', n.number_id, 'n', n.seq))
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.conversation_id IS NOT NULL
      AND (n.status IS DISTINCT FROM o.status OR n.wa_message_id IS DISTINCT FROM o.wa_message_id
        OR n.error IS DISTINCT FROM o.error)));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION waflow_events_conversation_insert() RETURNS trigger AS $$
BEGIN
  PERFORM waflow_append_events((
    SELECT jsonb_agg(jsonb_build_object('workspace_id', workspace_id, 'kind', 'conversation',
      'conversation_id', id, 'number_id', number_id, 'n', 0))
    FROM new_rows));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION waflow_events_conversation_update() RETURNS trigger AS $$
BEGIN
  PERFORM waflow_append_events((
    SELECT jsonb_agg(jsonb_build_object('workspace_id', n.workspace_id, 'kind', 'conversation',
      'conversation_id', n.id, 'number_id', n.number_id, 'n', 0))
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.status IS DISTINCT FROM o.status OR n.assigned_to IS DISTINCT FROM o.assigned_to
      OR n.handoff_until IS DISTINCT FROM o.handoff_until
      OR n.handoff_reason IS DISTINCT FROM o.handoff_reason));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION waflow_events_number_update() RETURNS trigger AS $$
BEGIN
  PERFORM waflow_append_events((
    SELECT jsonb_agg(jsonb_build_object('workspace_id', n.workspace_id, 'kind', 'number',
      'number_id', n.id, 'n', 0))
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.status IS DISTINCT FROM o.status));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER waflow_events_message_insert AFTER INSERT ON messages
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION waflow_events_message_insert();
--> statement-breakpoint
CREATE TRIGGER waflow_events_message_update AFTER UPDATE ON messages
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION waflow_events_message_update();
--> statement-breakpoint
CREATE TRIGGER waflow_events_conversation_insert AFTER INSERT ON conversations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION waflow_events_conversation_insert();
--> statement-breakpoint
CREATE TRIGGER waflow_events_conversation_update AFTER UPDATE ON conversations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION waflow_events_conversation_update();
--> statement-breakpoint
CREATE TRIGGER waflow_events_number_update AFTER UPDATE ON numbers
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION waflow_events_number_update();
