// What one turn of a conversation decided, as rows to write (no I/O here), and the commit that
// writes the rows of one or many turns in one statement, whatever the number of turns. Every row
// is keyed (effect ids, message ids), so a turn replayed after a crash writes nothing twice; a
// turn whose lock was lost is refused by the checkpoint's fence and the whole batch rolls back.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import {
  assigneeOf,
  blockCountsJson,
  countsWrite,
  envelope,
  hourCountsJson,
  fencedCheckpointWrite,
  hourOf,
  roundRobinStamp,
  schema,
  statement,
  subscribedEndpoints,
  uuidArrayText,
  type Database,
  type WebhookEvent,
} from '@waflow/db';
import type { ConversationState, Effect, OutboundContent } from '@waflow/flow';
import type { InboundMessage, OutboundMessage } from '@waflow/channel';
import type { OutboxRow } from '../outbox/outbox-sender.ts';
import { emptyCounts, type TurnCounts } from './turn-analytics.ts';

export class StaleFenceError extends Error {
  readonly code = 'STALE_FENCE';
}

export interface TurnContext {
  workspaceId: string;
  numberId: string;
  conversationId: string;
  contactId: string;
  contactWaId: string;
  flowId: string;
  flowVersionId: string;
  now: Date;
}

type ConversationStatus = 'active' | 'waiting' | 'handoff' | 'completed' | 'expired';

interface InboundRow {
  id: string;
  workspaceId: string;
  numberId: string;
  conversationId: string | null;
  message: InboundMessage;
}

interface SendRow {
  messageId: string;
  workspaceId: string;
  numberId: string;
  conversationId: string;
  idempotencyKey: string;
  type: OutboundContent['kind'];
  body: string;
  payload: OutboundMessage;
  at: Date;
}

interface NoticeRow {
  id: string;
  workspaceId: string;
  numberId: string;
  conversationId: string;
  /** `notice:<conversation>:<effect id>`, kept as the line's message id: a replay writes it once. */
  key: string;
  text: string;
}

/** The rows one turn writes. Built by `planTurn` (process-event.ts), written by `commitTurns`. */
export interface TurnWrites {
  /** The inbound events the turn settles (several when a debounced burst was joined). */
  events: { id: string; status: 'processed' | 'failed'; error: string | null }[];
  /** A conversation this turn opens (its id is chosen here, so later rows can point at it). */
  newConversation?: {
    id: string;
    workspaceId: string;
    numberId: string;
    contactId: string;
    flowId: string;
    flowVersionId: string;
  };
  /** The state to checkpoint, fenced by the lock's token. */
  checkpoint?: { conversationId: string; state: ConversationState; fence: number };
  /** Transcript lines of what the contact sent, in arrival order. */
  inbound: InboundRow[];
  sends: SendRow[];
  /** Transcript lines for the people watching, never sent (the engine's `notice`: an http block's failure). */
  notices: NoticeRow[];
  timers: { conversationId: string; key: string; dueAt: Date; payload: Record<string, unknown> }[];
  cancelTimers: { conversationId: string; key: string; at: Date }[];
  results: {
    workspaceId: string;
    flowId: string;
    flowVersionId: string;
    conversationId: string;
    contactId: string;
    status: 'partial' | 'completed';
    variables: Record<string, unknown>;
    at: Date;
  }[];
  webhookEvents: WebhookEvent[];
  /** `handoffReason`: set by a handoff block this turn (its note for the team, or null). */
  conversationUpdate?: {
    id: string;
    status?: ConversationStatus;
    at: Date;
    handoffReason?: string | null;
    /** Set by a handoff block naming who gets it: `round-robin` or a member's email. */
    assignTo?: string;
  };
  /**
   * What the turn learnt about its contact: attributes a flow saved (typed, merged into theirs),
   * an opt-out (`optOut` set: when and why) or an opt-in (`optOut: null`).
   */
  contactUpdate?: {
    id: string;
    attributes?: Record<string, unknown>;
    optOut?: { at: Date; reason: string } | null;
  };
  /**
   * The number's sender reserved pacing for the replies (OutboxSender.reserve): the commit writes
   * them as `sending`, the first recorded as handed, unless one of the contact's rows is still
   * queued, and answers them for the sender to send at once.
   */
  direct?: boolean;
  /** What analytics counts of the turn (turn-analytics.ts), added up by the same commit. */
  analytics: TurnCounts;
}

export function emptyTurn(): TurnWrites {
  return {
    events: [],
    inbound: [],
    sends: [],
    notices: [],
    timers: [],
    cancelTimers: [],
    results: [],
    webhookEvents: [],
    analytics: emptyCounts(),
  };
}

export function toOutbound(to: string, m: OutboundContent): OutboundMessage {
  switch (m.kind) {
    case 'text':
      return m.menu
        ? { to, type: 'text', text: m.text, menu: m.menu }
        : { to, type: 'text', text: m.text };
    case 'media':
      return {
        to,
        type: 'media',
        url: m.url,
        mediaType: m.mediaType,
        ...(m.caption ? { caption: m.caption } : {}),
        ...(m.fileName ? { fileName: m.fileName } : {}),
      };
    case 'location':
      return {
        to,
        type: 'location',
        latitude: m.latitude,
        longitude: m.longitude,
        ...(m.name ? { name: m.name } : {}),
      };
    case 'template':
      return {
        to,
        type: 'template',
        name: m.name,
        language: m.language,
        parameters: m.parameters,
        ...(m.contentSid ? { contentSid: m.contentSid } : {}),
        text: m.text,
      };
    default: {
      const never: never = m;
      throw new Error(`no outbound message for ${JSON.stringify(never)}`);
    }
  }
}

/** The transcript line of a reply (a template: its text, what channels without templates send). */
function transcriptBody(m: OutboundContent): string {
  switch (m.kind) {
    case 'text':
    case 'template':
      return m.text;
    case 'media':
      return m.caption ?? m.url;
    case 'location':
      return m.name ?? `${m.latitude},${m.longitude}`;
    default: {
      const never: never = m;
      throw new Error(`no transcript line for ${JSON.stringify(never)}`);
    }
  }
}

export function conversationStatus(state: ConversationState): ConversationStatus {
  if (state.status === 'completed') return state.endReason === 'expired' ? 'expired' : 'completed';
  return state.status;
}

/** The transcript line of what a contact sent (its id chosen here; the commit skips a duplicate). */
export function inboundRow(
  workspaceId: string,
  numberId: string,
  conversationId: string | null,
  message: InboundMessage,
): InboundRow {
  return { id: randomUUID(), workspaceId, numberId, conversationId, message };
}

type SendContext = Pick<
  TurnContext,
  'workspaceId' | 'numberId' | 'conversationId' | 'contactWaId' | 'now'
>;

function sendRow(
  ctx: SendContext,
  e: Extract<Effect, { type: 'send' }>,
  idempotencyKey: string,
): SendRow {
  return {
    messageId: randomUUID(),
    workspaceId: ctx.workspaceId,
    numberId: ctx.numberId,
    conversationId: ctx.conversationId,
    idempotencyKey,
    type: e.message.kind,
    body: transcriptBody(e.message),
    payload: toOutbound(ctx.contactWaId, e.message),
    at: ctx.now,
  };
}

/**
 * The replies to a message no conversation took (the flow's fallback text, see planTurn), in the
 * conversation that holds its transcript line. Keyed on the inbound event: without a state the
 * engine numbers them from e1, ids that conversation's own effects used already.
 */
export function addUnplacedReplies(
  turn: TurnWrites,
  ctx: SendContext,
  eventId: string,
  effects: Effect[],
): void {
  for (const e of effects)
    if (e.type === 'send')
      turn.sends.push(sendRow(ctx, e, `${ctx.conversationId}:in:${eventId}:${e.id}`));
}

/** Adds what advance() decided to the turn's rows: outbox and transcript, timers, results, events. */
export function addEffects(
  turn: TurnWrites,
  ctx: TurnContext,
  state: ConversationState,
  effects: Effect[],
): void {
  const key = (e: Effect) => `${ctx.conversationId}:${e.id}`;
  let handoffReason: string | null | undefined;
  let assignTo: string | undefined;
  for (const e of effects) {
    switch (e.type) {
      case 'send':
        turn.sends.push(sendRow(ctx, e, key(e)));
        break;
      case 'set_timer':
        turn.timers.push({
          conversationId: ctx.conversationId,
          key: e.id,
          dueAt: new Date(e.dueAt),
          payload: { kind: 'timer', purpose: e.purpose },
        });
        break;
      case 'cancel_timer':
        turn.cancelTimers.push({ conversationId: ctx.conversationId, key: e.timerId, at: ctx.now });
        break;
      case 'http_request':
        // Durable like a timer due now: the timer worker makes the call and feeds the answer back.
        turn.timers.push({
          conversationId: ctx.conversationId,
          key: `http:${e.id}`,
          dueAt: ctx.now,
          payload: {
            kind: 'http',
            requestId: e.id,
            method: e.method,
            url: e.url,
            headers: e.headers,
            body: e.body ?? null,
            timeoutMs: e.timeoutMs,
          },
        });
        break;
      case 'webhook':
        turn.webhookEvents.push({
          id: `evt_${ctx.conversationId}_${e.id}`,
          type: e.event,
          workspaceId: ctx.workspaceId,
          numberId: ctx.numberId,
          occurredAt: ctx.now,
          data: {
            ...e.payload,
            conversationId: ctx.conversationId,
            flowId: ctx.flowId,
            contact: ctx.contactWaId,
          },
        });
        break;
      case 'handoff':
        // The status itself follows the state (conversationUpdate below); the inbox shows the reason.
        handoffReason = e.reason ?? null;
        assignTo = e.assignTo;
        turn.webhookEvents.push({
          id: `evt_${ctx.conversationId}_${e.id}`,
          type: 'handoff.requested',
          workspaceId: ctx.workspaceId,
          numberId: ctx.numberId,
          occurredAt: ctx.now,
          data: {
            conversationId: ctx.conversationId,
            contact: ctx.contactWaId,
            reason: e.reason ?? null,
          },
        });
        break;
      case 'results':
        turn.results.push({
          workspaceId: ctx.workspaceId,
          flowId: ctx.flowId,
          flowVersionId: ctx.flowVersionId,
          conversationId: ctx.conversationId,
          contactId: ctx.contactId,
          status: e.status,
          variables: e.variables,
          at: ctx.now,
        });
        if (e.status === 'completed') {
          turn.webhookEvents.push({
            id: `evt_${ctx.conversationId}_${e.id}`,
            type: 'conversation.completed',
            workspaceId: ctx.workspaceId,
            numberId: ctx.numberId,
            occurredAt: ctx.now,
            data: {
              conversationId: ctx.conversationId,
              flowId: ctx.flowId,
              flowVersionId: ctx.flowVersionId,
              contact: ctx.contactWaId,
              results: e.variables,
            },
          });
        }
        break;
      case 'notice':
        turn.notices.push({
          id: randomUUID(),
          workspaceId: ctx.workspaceId,
          numberId: ctx.numberId,
          conversationId: ctx.conversationId,
          key: `notice:${key(e)}`,
          text: e.text,
        });
        break;
      case 'contact_update':
        // Typed against the workspace's declared attributes before the commit (planTurn).
        turn.contactUpdate = {
          id: ctx.contactId,
          ...turn.contactUpdate,
          attributes: { ...turn.contactUpdate?.attributes, ...e.attributes },
        };
        break;
      case 'end':
      case 'error':
        // The end shows in the conversation status; errors are logged by the processor.
        break;
      default: {
        const never: never = e;
        throw new Error(`unknown effect ${JSON.stringify(never)}`);
      }
    }
  }
  turn.conversationUpdate = {
    id: ctx.conversationId,
    status: conversationStatus(state),
    at: ctx.now,
    ...(handoffReason === undefined ? {} : { handoffReason }),
    ...(assignTo ? { assignTo } : {}),
  };
}

const json = (rows: unknown[]) => JSON.stringify(rows);

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
const commitStatements = { counted: commitStatementOf(true), uncounted: commitStatementOf(false) };

/** The Postgres error code and constraint of a failure (drizzle wraps the driver's error as its cause). */
function pgError(
  err: unknown,
): { code?: string; constraint?: string; message: string } | undefined {
  for (let e: unknown = err; e; e = e instanceof Error ? e.cause : undefined) {
    if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') {
      const c = e as {
        code: string;
        constraint_name?: string;
        constraint?: string;
        message?: string;
      };
      return {
        code: c.code,
        constraint: c.constraint_name ?? c.constraint,
        message: c.message ?? '',
      };
    }
  }
  return undefined;
}

/**
 * Writes the rows of `turns` atomically, in one statement (see commitStatement), and answers per
 * turn the replies it wrote as `sending` for the sender to hand over (only for `direct` turns),
 * in order. Throws StaleFenceError, writing nothing, when any turn's fence is older than its
 * conversation's checkpoint, or when another holder opened the conversation a turn wanted to open.
 */
export async function commitTurns(
  db: Database,
  turns: readonly TurnWrites[],
  opts: { analytics?: boolean } = {},
): Promise<OutboxRow[][]> {
  const commitStatement =
    opts.analytics === false ? commitStatements.uncounted : commitStatements.counted;
  // A conversation a turn opens is inserted with the turn's update; only the others are updated.
  const touched = turns.flatMap((t) =>
    t.conversationUpdate && t.conversationUpdate.id !== t.newConversation?.id
      ? [t.conversationUpdate]
      : [],
  );
  const at = new Date().toISOString();

  // Transcript lines in the turns' order: what the contact sent, then the replies.
  const lines: Record<string, unknown>[] = [];
  const outbox: Record<string, unknown>[] = [];
  for (const t of turns) {
    const counted = { flow_id: t.analytics.flowId, hour: t.analytics.hour ?? hourOf(new Date(at)) };
    for (const r of t.inbound) {
      const m = r.message;
      lines.push({
        ...counted,
        n: lines.length,
        id: r.id,
        direction: 'in',
        workspace_id: r.workspaceId,
        number_id: r.numberId,
        conversation_id: r.conversationId,
        wa_message_id: m.messageId,
        type: m.type,
        body: m.text ?? (m.location ? `${m.location.latitude},${m.location.longitude}` : null),
        media_ref: m.media?.ref ?? null,
        contact: m.from,
        text: m.text ?? null,
      });
    }
    // A turn's notices come first: the engine says them on resuming (an http block's answer).
    for (const m of t.notices)
      lines.push({
        n: lines.length,
        id: m.id,
        direction: 'out',
        workspace_id: m.workspaceId,
        number_id: m.numberId,
        conversation_id: m.conversationId,
        wa_message_id: m.key,
        type: 'notice',
        body: m.text,
        author: 'system',
      });
    for (const [i, s] of t.sends.entries()) {
      outbox.push({
        number_id: s.numberId,
        conversation_id: s.conversationId,
        message_id: s.messageId,
        key: s.idempotencyKey,
        payload: s.payload,
        at: s.at,
        n: outbox.length,
        direct: t.direct === true,
        head: i === 0,
      });
      lines.push({
        ...counted,
        n: lines.length,
        id: s.messageId,
        direction: 'out',
        workspace_id: s.workspaceId,
        number_id: s.numberId,
        conversation_id: s.conversationId,
        type: s.type,
        body: s.body,
      });
    }
  }
  // A timer set and cancelled by the same batch is written cancelled (the parts cannot see each other's rows).
  const cancels = turns.flatMap((t) => t.cancelTimers);
  const cancelledAt = new Map(cancels.map((c) => [`${c.conversationId}\u0000${c.key}`, c.at]));
  const timers = turns
    .flatMap((t) => t.timers)
    .map((t) => ({
      conversation_id: t.conversationId,
      key: t.key,
      due_at: t.dueAt,
      payload: t.payload,
      cancelled_at: cancelledAt.get(`${t.conversationId}\u0000${t.key}`) ?? null,
    }));
  // One row per conversation: a turn's later results replace its earlier ones.
  const results = [
    ...new Map(turns.flatMap((t) => t.results).map((r) => [r.conversationId, r])).values(),
  ];
  const settled = turns.flatMap((t) => t.events);

  let handed: {
    id: string;
    number_id: string;
    conversation_id: string;
    attempts: number;
    payload: OutboundMessage;
    seq: string | number;
    handed: boolean;
  }[];
  try {
    handed = await commitStatement.rows(db, {
      conversations: json(
        turns.flatMap((t) => {
          const c = t.newConversation;
          if (!c) return [];
          const u = t.conversationUpdate?.id === c.id ? t.conversationUpdate : undefined;
          return [
            {
              id: c.id,
              workspace_id: c.workspaceId,
              number_id: c.numberId,
              contact_id: c.contactId,
              flow_id: c.flowId,
              flow_version_id: c.flowVersionId,
              status: u?.status ?? 'active',
              at: u?.at ?? at,
              reason: u?.handoffReason ?? null,
              assign: u?.assignTo ?? null,
            },
          ];
        }),
      ),
      updates: json(
        touched.map((u) => ({
          id: u.id,
          status: u.status ?? null,
          at: u.at,
          reason_set: u.handoffReason !== undefined,
          reason: u.handoffReason ?? null,
          assign: u.assignTo ?? null,
        })),
      ),
      updateIds: uuidArrayText(touched.map((u) => u.id)),
      checkpoints: json(
        turns.flatMap((t) =>
          t.checkpoint
            ? [
                {
                  id: t.checkpoint.conversationId,
                  state: t.checkpoint.state,
                  fence: t.checkpoint.fence,
                },
              ]
            : [],
        ),
      ),
      outbox: json(outbox),
      lines: json(lines),
      timers: json(timers),
      cancels: json(
        cancels.map((c) => ({ conversation_id: c.conversationId, key: c.key, at: c.at })),
      ),
      cancelIds: uuidArrayText(cancels.map((c) => c.conversationId)),
      blockCounts: blockCountsJson(turns.flatMap((t) => t.analytics.blocks)),
      hourCounts: hourCountsJson(turns.flatMap((t) => t.analytics.hours)),
      results: json(
        results.map((r) => ({
          workspace_id: r.workspaceId,
          flow_id: r.flowId,
          flow_version_id: r.flowVersionId,
          conversation_id: r.conversationId,
          contact_id: r.contactId,
          status: r.status,
          variables: r.variables,
          at: r.at,
        })),
      ),
      settled: json(settled),
      settledIds: uuidArrayText(settled.map((e) => e.id)),
      events: json(
        turns
          .flatMap((t) => t.webhookEvents)
          .map((e) => ({
            id: e.id,
            type: e.type,
            workspace_id: e.workspaceId,
            number_id: e.numberId ?? null,
            at: e.occurredAt.toISOString(),
            body: envelope(e),
          })),
      ),
      contacts: json(
        turns.flatMap((t) => {
          const u = t.contactUpdate;
          if (!u) return [];
          const opt = u.optOut === undefined ? null : u.optOut ? 'out' : 'in';
          return [
            {
              id: u.id,
              attributes: u.attributes ?? null,
              opt,
              at: u.optOut?.at ?? null,
              reason: u.optOut?.reason ?? null,
            },
          ];
        }),
      ),
      at,
    });
  } catch (err) {
    const pg = pgError(err);
    if (pg?.code === 'WF001') throw new StaleFenceError(pg.message, { cause: err });
    // Another holder opened the contact's conversation after we looked: we are stale.
    if (
      pg?.code === '23505' &&
      (pg.constraint === 'conversations_open_key' || pg.message.includes('conversations_open_key'))
    ) {
      throw new StaleFenceError(
        `a newer holder opened a conversation for contact ${turns.flatMap((t) => (t.newConversation ? [t.newConversation.contactId] : [])).join(', ')}`,
        { cause: err },
      );
    }
    throw err;
  }
  const byConversation = new Map<string, OutboxRow[]>();
  // RETURNING does not keep the insert's order: sort by seq (a turn's replies go out in order).
  for (const r of handed.sort((a, b) => Number(a.seq) - Number(b.seq))) {
    const row: OutboxRow = {
      id: r.id,
      numberId: r.number_id,
      attempts: Number(r.attempts),
      message: r.payload,
      handed: r.handed,
    };
    byConversation.set(r.conversation_id, [...(byConversation.get(r.conversation_id) ?? []), row]);
  }
  return turns.map((t) =>
    t.direct && t.sends[0] ? (byConversation.get(t.sends[0].conversationId) ?? []) : [],
  );
}
