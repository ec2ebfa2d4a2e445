// What one turn of a conversation decided, as rows to write (no I/O here), and the commit that
// writes the rows of one or many turns in one transaction: a statement per table whatever the
// number of turns, sent pipelined. Every row is keyed (effect ids, message ids), so a turn
// replayed after a crash writes nothing twice; a turn whose lock was lost is refused by the
// checkpoint's fence and the whole transaction rolls back.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { enqueueWebhookEvents, schema, statement, uuidArrayText, writeCheckpoints, type Database, type WebhookEvent } from '@waflow/db';
import type { ConversationState, Effect, OutboundContent } from '@waflow/flow';
import type { InboundMessage, OutboundMessage } from '../channels/channel.ts';

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

/** The rows one turn writes. Built by `planTurn` (process-event.ts), written by `commitTurns`. */
export interface TurnWrites {
  /** The inbound events the turn settles (several when a debounced burst was joined). */
  events: { id: string; status: 'processed' | 'failed'; error: string | null }[];
  /** A conversation this turn opens (its id is chosen here, so later rows can point at it). */
  newConversation?: { id: string; workspaceId: string; numberId: string; contactId: string; flowId: string; flowVersionId: string };
  /** The state to checkpoint, fenced by the lock's token. */
  checkpoint?: { conversationId: string; state: ConversationState; fence: number };
  /** Transcript lines of what the contact sent, in arrival order. */
  inbound: InboundRow[];
  sends: SendRow[];
  timers: { conversationId: string; key: string; dueAt: Date; payload: Record<string, unknown> }[];
  cancelTimers: { conversationId: string; key: string; at: Date }[];
  results: { workspaceId: string; flowId: string; flowVersionId: string; conversationId: string; contactId: string; status: 'partial' | 'completed'; variables: Record<string, unknown>; at: Date }[];
  webhookEvents: WebhookEvent[];
  conversationUpdate?: { id: string; status?: ConversationStatus; at: Date };
}

export function emptyTurn(): TurnWrites {
  return { events: [], inbound: [], sends: [], timers: [], cancelTimers: [], results: [], webhookEvents: [] };
}

export function toOutbound(to: string, m: OutboundContent): OutboundMessage {
  switch (m.kind) {
    case 'text':
      return { to, type: 'text', text: m.text };
    case 'media':
      return { to, type: 'media', url: m.url, mediaType: m.mediaType, ...(m.caption ? { caption: m.caption } : {}), ...(m.fileName ? { fileName: m.fileName } : {}) };
    case 'location':
      return { to, type: 'location', latitude: m.latitude, longitude: m.longitude, ...(m.name ? { name: m.name } : {}) };
  }
}

function transcriptBody(m: OutboundContent): string {
  return m.kind === 'text' ? m.text : m.kind === 'media' ? (m.caption ?? m.url) : (m.name ?? `${m.latitude},${m.longitude}`);
}

export function conversationStatus(state: ConversationState): ConversationStatus {
  if (state.status === 'completed') return state.endReason === 'expired' ? 'expired' : 'completed';
  return state.status;
}

/** The transcript line of what a contact sent (its id chosen here; the commit skips a duplicate). */
export function inboundRow(workspaceId: string, numberId: string, conversationId: string | null, message: InboundMessage): InboundRow {
  return { id: randomUUID(), workspaceId, numberId, conversationId, message };
}

/** Adds what advance() decided to the turn's rows: outbox and transcript, timers, results, events. */
export function addEffects(turn: TurnWrites, ctx: TurnContext, state: ConversationState, effects: Effect[]): void {
  const key = (e: Effect) => `${ctx.conversationId}:${e.id}`;
  for (const e of effects) {
    switch (e.type) {
      case 'send':
        turn.sends.push({
          messageId: randomUUID(),
          workspaceId: ctx.workspaceId,
          numberId: ctx.numberId,
          conversationId: ctx.conversationId,
          idempotencyKey: key(e),
          type: e.message.kind,
          body: transcriptBody(e.message),
          payload: toOutbound(ctx.contactWaId, e.message),
          at: ctx.now,
        });
        break;
      case 'set_timer':
        turn.timers.push({ conversationId: ctx.conversationId, key: e.id, dueAt: new Date(e.dueAt), payload: { kind: 'timer', purpose: e.purpose } });
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
          payload: { kind: 'http', requestId: e.id, method: e.method, url: e.url, headers: e.headers, body: e.body ?? null, timeoutMs: e.timeoutMs },
        });
        break;
      case 'webhook':
        turn.webhookEvents.push({ id: `evt_${ctx.conversationId}_${e.id}`, type: e.event, workspaceId: ctx.workspaceId, occurredAt: ctx.now, data: { ...e.payload, conversationId: ctx.conversationId, flowId: ctx.flowId, contact: ctx.contactWaId } });
        break;
      case 'handoff':
        // The status itself follows the state (conversationUpdate below).
        turn.webhookEvents.push({ id: `evt_${ctx.conversationId}_${e.id}`, type: 'handoff.requested', workspaceId: ctx.workspaceId, occurredAt: ctx.now, data: { conversationId: ctx.conversationId, contact: ctx.contactWaId, reason: e.reason ?? null } });
        break;
      case 'results':
        turn.results.push({ workspaceId: ctx.workspaceId, flowId: ctx.flowId, flowVersionId: ctx.flowVersionId, conversationId: ctx.conversationId, contactId: ctx.contactId, status: e.status, variables: e.variables, at: ctx.now });
        if (e.status === 'completed') {
          turn.webhookEvents.push({ id: `evt_${ctx.conversationId}_${e.id}`, type: 'conversation.completed', workspaceId: ctx.workspaceId, occurredAt: ctx.now, data: { conversationId: ctx.conversationId, flowId: ctx.flowId, flowVersionId: ctx.flowVersionId, contact: ctx.contactWaId, results: e.variables } });
        }
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
  turn.conversationUpdate = { id: ctx.conversationId, status: conversationStatus(state), at: ctx.now };
}

const json = (rows: unknown[]) => JSON.stringify(rows);

// The commit's statements, rendered once (see Statement in @waflow/db).

// The outbox row first: a transcript line is written only for a row that was queued (an effect
// already queued by an earlier try of the turn makes neither). The foreign key from the outbox
// to the message is checked at the end of the statement.
const sendsStatement = statement<{ outbox: string; messages: string }>(sql`
  with queued as (
    insert into ${schema.outbox} (number_id, conversation_id, message_id, idempotency_key, payload, next_attempt_at)
    select s.number_id, s.conversation_id, s.message_id, s.key, s.payload, s.at
    from jsonb_to_recordset(${sql.placeholder('outbox')}::jsonb) as s(number_id uuid, conversation_id uuid, message_id uuid, key text, payload jsonb, at timestamptz, n int)
    order by s.n
    on conflict (idempotency_key) do nothing
    returning message_id
  )
  insert into ${schema.messages} (id, workspace_id, number_id, conversation_id, direction, type, body, status)
  select m.id, m.workspace_id, m.number_id, m.conversation_id, 'out', m.type, m.body, 'pending'
  from jsonb_to_recordset(${sql.placeholder('messages')}::jsonb) as m(id uuid, workspace_id uuid, number_id uuid, conversation_id uuid, type text, body text, n int)
  where m.id in (select message_id from queued)
  order by m.n`);

// One row per conversation: a turn's later results replace its earlier ones.
const resultsStatement = statement<{ rows: string }>(sql`
  insert into ${schema.results} (workspace_id, flow_id, flow_version_id, conversation_id, contact_id, status, variables, updated_at)
  select r.workspace_id, r.flow_id, r.flow_version_id, r.conversation_id, r.contact_id, r.status::result_status, r.variables, r.at
  from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as r(workspace_id uuid, flow_id uuid, flow_version_id uuid, conversation_id uuid, contact_id uuid, status text, variables jsonb, at timestamptz)
  on conflict (conversation_id) do update set status = excluded.status, variables = excluded.variables, updated_at = excluded.updated_at`);

const conversationsStatement = statement<{ rows: string; ids: string }>(sql`
  update ${schema.conversations} c set status = coalesce(u.status::conversation_status, c.status), last_activity_at = u.at
  from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as u(id uuid, status text, at timestamptz)
  where c.id = u.id and c.id = any(${sql.placeholder('ids')}::uuid[])`);

const eventsStatement = statement<{ rows: string; ids: string }>(sql`
  update ${schema.inboundEvents} e set status = d.status::inbound_status, processed_at = now(), error = d.error
  from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as d(id uuid, status text, error text)
  where e.id = d.id and e.id = any(${sql.placeholder('ids')}::uuid[])`);

// The inbound transcript lines, then the `message.received` deliveries of the lines that were
// written; the event is built here, only for the lines an endpoint is subscribed to.
const inboundStatement = statement<{ lines: string; at: string }>(sql`
  with lines as (
    select * from jsonb_to_recordset(${sql.placeholder('lines')}::jsonb)
      as m(id uuid, workspace_id uuid, number_id uuid, conversation_id uuid, wa_message_id text, type text, body text, media_ref text, contact text, text text, n int)
  ), written as (
    insert into ${schema.messages} (id, workspace_id, number_id, conversation_id, direction, wa_message_id, type, body, media_ref, status, author)
    select id, workspace_id, number_id, conversation_id, 'in', wa_message_id, type, body, media_ref, 'delivered', 'contact' from lines order by n
    on conflict do nothing
    returning id
  )
  insert into ${schema.webhookDeliveries} (endpoint_id, event_id, event_type, payload, next_attempt_at)
  select ep.id, 'evt_in_' || l.id, 'message.received',
    jsonb_build_object('id', 'evt_in_' || l.id, 'type', 'message.received', 'timestamp', ${sql.placeholder('at')}::text,
      'data', jsonb_build_object('messageId', l.id, 'numberId', l.number_id, 'conversationId', l.conversation_id, 'contact', l.contact,
        'type', l.type, 'text', l.text, 'waMessageId', l.wa_message_id)),
    ${sql.placeholder('at')}::timestamptz
  from lines l
  join written w on w.id = l.id
  join ${schema.webhookEndpoints} ep on ep.workspace_id = l.workspace_id and ep.enabled and ('*' = any(ep.events) or 'message.received' = any(ep.events))
  on conflict do nothing`);

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e; e = e instanceof Error ? e.cause : undefined) {
    if (typeof e === 'object' && e !== null && 'code' in e && e.code === '23505') return true;
  }
  return false;
}

/**
 * Writes the rows of `turns` in one transaction. Statements run in the order written here (one
 * connection, pipelined): conversations first (the rest points at them), the inbound transcript
 * line before the replies (transcripts order by insertion). Throws StaleFenceError, rolling
 * everything back, when any turn's fence is older than its conversation's checkpoint.
 */
export async function commitTurns(db: Database, turns: readonly TurnWrites[]): Promise<void> {
  await db.transaction(async (tx) => {
    const newConversations = turns.flatMap((t) => (t.newConversation ? [t.newConversation] : []));
    if (newConversations.length > 0) {
      try {
        await tx.insert(schema.conversations).values(newConversations);
      } catch (err) {
        // Another holder opened the contact's conversation after we looked: we are stale.
        if (isUniqueViolation(err)) throw new StaleFenceError(`a newer holder opened a conversation for contact ${newConversations.map((c) => c.contactId).join(', ')}`, { cause: err });
        throw err;
      }
    }

    const pending: Promise<unknown>[] = [];
    const checkpoints = turns.flatMap((t) => (t.checkpoint ? [t.checkpoint] : []));
    const checkpointed = writeCheckpoints(tx, checkpoints);
    pending.push(checkpointed);

    const inbound = turns.flatMap((t) => t.inbound);
    if (inbound.length > 0) pending.push(insertInbound(tx, inbound));

    const sends = turns.flatMap((t) => t.sends);
    if (sends.length > 0) {
      pending.push(
        sendsStatement.rows(tx, {
          outbox: json(sends.map((s, n) => ({ number_id: s.numberId, conversation_id: s.conversationId, message_id: s.messageId, key: s.idempotencyKey, payload: s.payload, at: s.at, n }))),
          messages: json(sends.map((s, n) => ({ id: s.messageId, workspace_id: s.workspaceId, number_id: s.numberId, conversation_id: s.conversationId, type: s.type, body: s.body, n }))),
        }),
      );
    }

    const timers = turns.flatMap((t) => t.timers);
    if (timers.length > 0) pending.push(tx.insert(schema.timers).values(timers).onConflictDoNothing());
    for (const c of turns.flatMap((t) => t.cancelTimers)) {
      pending.push(
        tx.execute(sql`update ${schema.timers} set cancelled_at = ${c.at.toISOString()}::timestamptz
          where conversation_id = ${c.conversationId} and key = ${c.key} and fired_at is null`),
      );
    }
    const results = [...new Map(turns.flatMap((t) => t.results).map((r) => [r.conversationId, r])).values()];
    if (results.length > 0) {
      pending.push(
        resultsStatement.rows(tx, {
          rows: json(results.map((r) => ({ workspace_id: r.workspaceId, flow_id: r.flowId, flow_version_id: r.flowVersionId, conversation_id: r.conversationId, contact_id: r.contactId, status: r.status, variables: r.variables, at: r.at }))),
        }),
      );
    }
    const events = turns.flatMap((t) => t.webhookEvents);
    if (events.length > 0) pending.push(enqueueWebhookEvents(tx, events));

    const updates = turns.flatMap((t) => (t.conversationUpdate ? [t.conversationUpdate] : []));
    if (updates.length > 0) {
      pending.push(
        conversationsStatement.rows(tx, { rows: json(updates.map((u) => ({ id: u.id, status: u.status ?? null, at: u.at }))), ids: uuidArrayText(updates.map((u) => u.id)) }),
      );
    }
    pending.push(eventsStatement.rows(tx, { rows: json(turns.flatMap((t) => t.events)), ids: uuidArrayText(turns.flatMap((t) => t.events.map((e) => e.id))) }));

    // Every statement is on the wire; wait for all (a failure fails the transaction).
    const settled = await Promise.allSettled(pending);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const written = await checkpointed;
    const stale = checkpoints.filter((c) => !written.has(c.conversationId));
    if (stale.length > 0) throw new StaleFenceError(`a newer holder checkpointed conversation ${stale.map((c) => c.conversationId).join(', ')}`);
  });
}

/** Transcript lines of what contacts sent, each with its `message.received` event (none for a duplicate). */
function insertInbound(tx: Database, rows: readonly InboundRow[]): Promise<unknown> {
  const at = new Date();
  const lines = rows.map((r, n) => {
    const m = r.message;
    return {
      n,
      id: r.id,
      workspace_id: r.workspaceId,
      number_id: r.numberId,
      conversation_id: r.conversationId,
      wa_message_id: m.messageId,
      type: m.type,
      body: m.text ?? (m.location ? `${m.location.latitude},${m.location.longitude}` : null),
      media_ref: m.media?.ref ?? null,
      contact: m.from,
      text: m.text ?? null,
    };
  });
  return inboundStatement.rows(tx, { lines: json(lines), at: at.toISOString() });
}
