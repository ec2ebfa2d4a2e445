// The one SQL statement that commits a batch of turns, whatever their number (see below); run by
// commitTurns (commit-turns.ts) with the turns' rows as its parameters.
import { sql } from 'drizzle-orm';
import {
  assigneeOf,
  countsWrite,
  fencedCheckpointWrite,
  roundRobinStamp,
  schema,
  statement,
  subscribedEndpoints,
} from '@waflow/db';

/**
 * The commit of a batch of turns: one statement (rendered once, see Statement in @waflow/db), so
 * one round trip and its own transaction — no BEGIN and COMMIT to wait for. Its parts run on one
 * snapshot, each on its own rows:
 * - conversations a turn opens are inserted with their status and activity (the update of the
 *   others cannot see them);
 * - the transcript lines of a batch, what contacts sent and the replies, are one insert in the
 *   turns' order (transcripts order by insertion); a reply gets its line only when its outbox row
 *   was queued (an effect already queued by an earlier try of the turn makes neither); the
 *   foreign keys between the parts are checked at the end of the statement;
 * - `message.received` deliveries are built here for the lines that were written, and queued with
 *   the turns' own events for every endpoint subscribed to them;
 * - replies of a turn with `direct` set are written as `sending` (the first as handed) when none
 *   of the contact's rows is queued and due, and answered by the final select;
 * - `stale` raises SQLSTATE WF001 (waflow_stale_fence, migration 0008) when a checkpoint was
 *   refused for an older fence: the whole batch rolls back.
 */
const commitStatementOf = (counted: boolean) =>
  statement<{
    conversations: string;
    updates: string;
    updateIds: string;
    checkpoints: string;
    outbox: string;
    lines: string;
    timers: string;
    cancels: string;
    cancelIds: string;
    blockCounts: string;
    hourCounts: string;
    results: string;
    settled: string;
    settledIds: string;
    events: string;
    contacts: string;
    at: string;
  }>(sql`
  with opened as (
    insert into ${schema.conversations} (id, workspace_id, number_id, contact_id, flow_id, flow_version_id, status, last_activity_at, handoff_reason, assigned_to)
    select c.id, c.workspace_id, c.number_id, c.contact_id, c.flow_id, c.flow_version_id, c.status::conversation_status, c.at, c.reason,
      ${assigneeOf(sql`c.workspace_id`, sql`c.assign`, sql`c.at`)}
    from jsonb_to_recordset(${sql.placeholder('conversations')}::jsonb)
      as c(id uuid, workspace_id uuid, number_id uuid, contact_id uuid, flow_id uuid, flow_version_id uuid, status text, at timestamptz, reason text, assign text)
    returning id, workspace_id, assigned_to
  ), touched as (
    -- A handoff block sets the reason (and may name who gets it); leaving handoff clears the reason.
    update ${schema.conversations} c set status = coalesce(u.status::conversation_status, c.status), last_activity_at = u.at,
      handoff_reason = case when u.reason_set then u.reason when u.status is not null and u.status <> 'handoff' then null else c.handoff_reason end,
      assigned_to = case when u.assign is null then c.assigned_to
        else coalesce(${assigneeOf(sql`c.workspace_id`, sql`u.assign`, sql`u.at`)}, c.assigned_to) end
    from jsonb_to_recordset(${sql.placeholder('updates')}::jsonb) as u(id uuid, status text, at timestamptz, reason_set boolean, reason text, assign text)
    where c.id = u.id and c.id = any(${sql.placeholder('updateIds')}::uuid[])
    returning c.workspace_id, c.assigned_to, u.assign
  ), round_robin as (
    ${roundRobinStamp(sql`select workspace_id, assigned_to as user_id from touched where assign = 'round-robin'
      union all
      select o.workspace_id, o.assigned_to from opened o
      where o.id in (select r.id from jsonb_to_recordset(${sql.placeholder('conversations')}::jsonb) as r(id uuid, assign text) where r.assign = 'round-robin')`)}
  ), fenced as (
    select * from jsonb_to_recordset(${sql.placeholder('checkpoints')}::jsonb) as f(id uuid, state jsonb, fence bigint)
  ), checkpointed as (
    ${fencedCheckpointWrite(sql`fenced`)}
  ), queued as (
    insert into ${schema.outbox} (number_id, conversation_id, message_id, idempotency_key, payload, next_attempt_at, status, attempts, handed_at)
    select s.number_id, s.conversation_id, s.message_id, s.key, s.payload, s.at,
      case when d.go then 'sending'::outbox_status else 'queued'::outbox_status end, case when d.go then 1 else 0 end, case when d.go and s.head then s.at end
    from jsonb_to_recordset(${sql.placeholder('outbox')}::jsonb)
      as s(number_id uuid, conversation_id uuid, message_id uuid, key text, payload jsonb, at timestamptz, n int, direct boolean, head boolean)
    cross join lateral (
      select case when s.direct then not exists (
        select 1 from ${schema.outbox} o
        where o.number_id = s.number_id and o.status = 'queued' and o.next_attempt_at <= s.at and o.payload->>'to' = s.payload->>'to'
      ) else false end as go
      offset 0 -- evaluated once per row (pulled up, the planner repeats it for each use of go)
    ) d
    order by s.n
    on conflict (idempotency_key) do nothing
    returning id, message_id, number_id, conversation_id, status, attempts, payload, seq, handed_at is not null as handed
  ), lines as (
    select * from jsonb_to_recordset(${sql.placeholder('lines')}::jsonb)
      as m(id uuid, direction text, workspace_id uuid, number_id uuid, conversation_id uuid, wa_message_id text, type text, body text, media_ref text, contact text, text text, n int, author text, flow_id uuid, hour timestamptz)
  ), written as (
    -- A notice (author 'system') is a line of its own: no outbox row, written as 'sent' (never pending).
    insert into ${schema.messages} (id, workspace_id, number_id, conversation_id, direction, wa_message_id, type, body, media_ref, status, author)
    select l.id, l.workspace_id, l.number_id, l.conversation_id, l.direction::message_direction, l.wa_message_id, l.type, l.body, l.media_ref,
      case when l.direction = 'in' then 'delivered'::message_status when l.author = 'system' then 'sent'::message_status else 'pending'::message_status end,
      coalesce(l.author, case when l.direction = 'in' then 'contact' else 'bot' end)
    from lines l
    where l.direction = 'in' or l.author = 'system' or l.id in (select message_id from queued)
    order by l.n
    on conflict do nothing
    returning id
  )${
    counted
      ? countsWrite(
          sql`${sql.placeholder('blockCounts')}`,
          sql`${sql.placeholder('hourCounts')}`,
          sql`select l.workspace_id, l.flow_id, l.number_id, l.hour, l.direction from lines l join written w on w.id = l.id where l.author is null`,
        )
      : sql``
  }, timed as (
    insert into ${schema.timers} (conversation_id, key, due_at, payload, cancelled_at)
    select t.conversation_id, t.key, t.due_at, t.payload, t.cancelled_at
    from jsonb_to_recordset(${sql.placeholder('timers')}::jsonb) as t(conversation_id uuid, key text, due_at timestamptz, payload jsonb, cancelled_at timestamptz)
    on conflict do nothing
  ), cancelled as (
    update ${schema.timers} t set cancelled_at = c.at
    from jsonb_to_recordset(${sql.placeholder('cancels')}::jsonb) as c(conversation_id uuid, key text, at timestamptz)
    where t.conversation_id = c.conversation_id and t.key = c.key and t.fired_at is null and t.conversation_id = any(${sql.placeholder('cancelIds')}::uuid[])
  ), resulted as (
    insert into ${schema.results} (workspace_id, flow_id, flow_version_id, conversation_id, contact_id, status, variables, updated_at)
    select r.workspace_id, r.flow_id, r.flow_version_id, r.conversation_id, r.contact_id, r.status::result_status, r.variables, r.at
    from jsonb_to_recordset(${sql.placeholder('results')}::jsonb)
      as r(workspace_id uuid, flow_id uuid, flow_version_id uuid, conversation_id uuid, contact_id uuid, status text, variables jsonb, at timestamptz)
    on conflict (conversation_id) do update set status = excluded.status, variables = excluded.variables, updated_at = excluded.updated_at
  ), settled as (
    update ${schema.inboundEvents} e set status = d.status::inbound_status, processed_at = now(), error = d.error
    from jsonb_to_recordset(${sql.placeholder('settled')}::jsonb) as d(id uuid, status text, error text)
    where e.id = d.id and e.id = any(${sql.placeholder('settledIds')}::uuid[])
  ), contacted as (
    -- What turns learnt about their contacts: saved attributes (merged), an opt-out or an opt-in.
    update ${schema.contacts} ct set attributes = ct.attributes || coalesce(u.attributes, '{}'::jsonb),
      opted_out_at = case u.opt when 'out' then u.at when 'in' then null else ct.opted_out_at end,
      opted_out_reason = case u.opt when 'out' then u.reason when 'in' then null else ct.opted_out_reason end
    from jsonb_to_recordset(${sql.placeholder('contacts')}::jsonb) as u(id uuid, attributes jsonb, opt text, at timestamptz, reason text)
    where ct.id = u.id
  ), events as (
    select 'evt_in_' || l.id as id, 'message.received' as type, l.workspace_id as workspace_id, l.number_id as number_id, ${sql.placeholder('at')}::timestamptz as at,
      jsonb_build_object('id', 'evt_in_' || l.id, 'type', 'message.received', 'timestamp', ${sql.placeholder('at')}::text,
        'data', jsonb_build_object('messageId', l.id, 'numberId', l.number_id, 'conversationId', l.conversation_id, 'contact', l.contact,
          'type', l.type, 'text', l.text, 'waMessageId', l.wa_message_id)) as body
    from lines l join written w on w.id = l.id
    where l.direction = 'in'
    union all
    select e.id, e.type, e.workspace_id, e.number_id, e.at, e.body
    from jsonb_to_recordset(${sql.placeholder('events')}::jsonb) as e(id text, type text, workspace_id uuid, number_id uuid, at timestamptz, body jsonb)
  ), delivered as (
    insert into ${schema.webhookDeliveries} (endpoint_id, event_id, event_type, payload, next_attempt_at)
    select ep.id, ev.id, ev.type, ev.body, ev.at
    from events ev
    ${subscribedEndpoints(sql`ev.workspace_id`, sql`ev.type`, sql`ev.number_id`)}
    on conflict do nothing
  ), stale as (
    select waflow_stale_fence(string_agg(f.id::text, ', ')) as raised
    from fenced f
    where f.id not in (select conversation_id from checkpointed)
    having count(*) > 0
  )
  select q.id, q.number_id, q.conversation_id, q.attempts, q.payload, q.seq, q.handed from queued q where q.status = 'sending'
  union all
  select null, null, null, null, null, null, null from stale`);
/** With the analytics counts (the default), and without them (bench:analytics measures the difference). */
export const commitStatements = {
  counted: commitStatementOf(true),
  uncounted: commitStatementOf(false),
};
