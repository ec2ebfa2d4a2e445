// The outbox sender's view of the outbox table on Postgres/PGlite. Rows are claimed with
// FOR UPDATE SKIP LOCKED, so two senders never take the same row.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { schema, statement, subscribedEndpoints, uuidArrayText, type Database } from '@waflow/db';
import type { OutboundMessage } from '@waflow/channel';
import { Batcher } from '../batching/batcher.ts';
import { enqueueWebhookEvent, type MessageFailedEvent } from '@waflow/db';

type MessageFailedData = MessageFailedEvent['data'];
import type { OutboxRow, OutboxStore } from './outbox-sender.ts';

// The sender's statements, rendered once (see Statement in @waflow/db).
// Each contact's first due row goes to the channel as soon as the claim answers (the sender sends
// a contact's rows one after another): the claim records it as handed, saving the row a second
// update. The contact's later rows are recorded by markHanded when their turn comes.
const claimStatement = statement<{ numberId: string; now: string; limit: number }>(sql`
  with due as (
    select id, payload->>'to' as contact, priority, seq from ${schema.outbox}
    where number_id = ${sql.placeholder('numberId')} and status = 'queued' and next_attempt_at <= ${sql.placeholder('now')}::timestamptz
    order by priority desc, seq
    limit ${sql.placeholder('limit')}
    for update skip locked
  ), heads as (
    select distinct on (contact) id from due order by contact, priority desc, seq
  )
  update ${schema.outbox} o set status = 'sending', attempts = o.attempts + 1,
    handed_at = case when o.id in (select id from heads) then ${sql.placeholder('now')}::timestamptz end
  from due where o.id = due.id
  returning o.id, o.number_id, o.attempts, o.payload, o.priority, o.seq, o.handed_at is not null as handed`);

const handedStatement = statement<{ rows: string; ids: string }>(sql`
  update ${schema.outbox} o set handed_at = h.at
  from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as h(id uuid, at timestamptz)
  where o.id = h.id and o.id = any(${sql.placeholder('ids')}::uuid[])`);

// One statement (one round trip) for the outbox rows, their transcript rows and the
// `message.sent` webhook deliveries: the hot path of every reply, atomic.
const sentStatement = statement<{ rows: string; ids: string }>(sql`
  with input as (
    select * from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as i(id uuid, "providerMessageId" text, at text)
  ), sent as (
    update ${schema.outbox} o set status = 'sent', provider_message_id = i."providerMessageId", sent_at = i.at::timestamptz, error = null
    from input i where o.id = i.id and o.id = any(${sql.placeholder('ids')}::uuid[])
    returning o.id, o.message_id, o.number_id, o.conversation_id, o.payload, i."providerMessageId" as provider, i.at
  ), msg as (
    update ${schema.messages} m set wa_message_id = s.provider, sent_at = s.at::timestamptz,
      status = case when m.status = 'pending' then 'sent' else m.status end
    from sent s where m.id = s.message_id
    returning m.id, m.author, m.type, m.body, s.id as outbox_id
  )
  insert into ${schema.webhookDeliveries} (endpoint_id, event_id, event_type, payload, next_attempt_at)
  select ep.id, 'evt_sent_' || sent.id, 'message.sent',
    jsonb_build_object('id', 'evt_sent_' || sent.id, 'type', 'message.sent', 'timestamp', sent.at,
      'data', jsonb_build_object('messageId', msg.id, 'numberId', sent.number_id, 'conversationId', sent.conversation_id,
        'contact', sent.payload->>'to', 'type', msg.type, 'text', msg.body, 'author', msg.author, 'providerMessageId', sent.provider)),
    sent.at::timestamptz
  from sent
  join msg on msg.outbox_id = sent.id
  join ${schema.numbers} n on n.id = sent.number_id
  ${subscribedEndpoints(sql`n.workspace_id`, sql`'message.sent'`, sql`n.id`)}
  on conflict do nothing`);

/**
 * Rows a commit wrote as `sending` for a sender that is gone (the number was detached meanwhile):
 * nothing was handed to a channel, so they are queued again for whoever serves the number next.
 */
export async function requeueUnsent(db: Database, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(schema.outbox)
    .set({
      status: 'queued',
      handedAt: null,
      attempts: sql`greatest(${schema.outbox.attempts} - 1, 0)`,
    })
    .where(and(inArray(schema.outbox.id, [...ids]), eq(schema.outbox.status, 'sending')));
}

export function createOutboxStore(
  db: Database,
): OutboxStore & { recoverSending(numberId: string): Promise<number> } {
  // Rows handed over and rows sent are recorded a batch at a time: every reply of a busy number
  // passes here twice, and each contact's sends run side by side.
  const handed = new Batcher<{ id: string; at: Date }>(async (rows) => {
    await handedStatement.rows(db, {
      rows: JSON.stringify(rows),
      ids: uuidArrayText(rows.map((r) => r.id)),
    });
    return rows.map(() => undefined);
  });
  const sent = new Batcher<{ id: string; providerMessageId: string; at: Date }>(async (rows) => {
    await sentStatement.rows(db, {
      rows: JSON.stringify(rows),
      ids: uuidArrayText(rows.map((r) => r.id)),
    });
    return rows.map(() => undefined);
  });
  return {
    async claimDue(numberId, limit, now) {
      const list = await claimStatement.rows<{
        id: string;
        number_id: string;
        attempts: number;
        payload: OutboundMessage;
        priority: number;
        seq: string | number;
        handed: boolean;
      }>(db, {
        numberId,
        now: now.toISOString(),
        limit,
      });
      // RETURNING does not keep the subquery's order: sort again (a turn's replies go out in order).
      return list
        .sort((a, b) => b.priority - a.priority || Number(a.seq) - Number(b.seq))
        .map((r): OutboxRow => ({
          id: r.id,
          numberId: r.number_id,
          attempts: r.attempts,
          message: r.payload,
          handed: r.handed,
        }));
    },
    markHanded: (id, now) => handed.add({ id, at: now }),
    markSent: (id, providerMessageId, now) => sent.add({ id, providerMessageId, at: now }),
    async markRetry(id, nextAttemptAt, error) {
      await db
        .update(schema.outbox)
        .set({ status: 'queued', nextAttemptAt, error })
        .where(eq(schema.outbox.id, id));
    },
    async markFailed(id, error) {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .update(schema.outbox)
          .set({ status: 'failed', error })
          .where(eq(schema.outbox.id, id))
          .returning({
            messageId: schema.outbox.messageId,
            numberId: schema.outbox.numberId,
            conversationId: schema.outbox.conversationId,
            payload: schema.outbox.payload,
          });
        if (!row) return;
        const [msg] = row.messageId
          ? await tx
              .update(schema.messages)
              .set({ status: 'failed', error })
              .where(eq(schema.messages.id, row.messageId))
              .returning({
                author: schema.messages.author,
                type: schema.messages.type,
                body: schema.messages.body,
              })
          : [];
        const [number] = await tx
          .select({ workspaceId: schema.numbers.workspaceId })
          .from(schema.numbers)
          .where(eq(schema.numbers.id, row.numberId));
        if (!number) return;
        await enqueueWebhookEvent(tx, {
          id: `evt_failed_${id}`,
          type: 'message.failed',
          workspaceId: number.workspaceId,
          occurredAt: new Date(),
          data: {
            messageId: row.messageId,
            numberId: row.numberId,
            conversationId: row.conversationId,
            contact: (row.payload as OutboundMessage).to,
            type: (msg?.type ?? 'text') as MessageFailedData['type'],
            text: msg?.body ?? null,
            author: (msg?.author ?? 'bot') as MessageFailedData['author'],
            error,
          },
        });
      });
    },
    /**
     * Rows left in `sending` by a process that died may or may not have reached WhatsApp: they are
     * failed with that reason rather than sent again (at most once: never a duplicate reply).
     */
    async recoverSending(numberId) {
      // Claimed but never handed to the channel: queued again (nothing went out).
      await db
        .update(schema.outbox)
        .set({ status: 'queued', attempts: sql`${schema.outbox.attempts} - 1` })
        .where(
          and(
            eq(schema.outbox.numberId, numberId),
            eq(schema.outbox.status, 'sending'),
            isNull(schema.outbox.handedAt),
          ),
        );
      // Handed over when the process stopped: it may have gone out, so it is never sent again.
      const rows = await db
        .update(schema.outbox)
        .set({
          status: 'failed',
          error: 'interrupted while sending (process stopped); not sent again to avoid a duplicate',
        })
        .where(and(eq(schema.outbox.numberId, numberId), eq(schema.outbox.status, 'sending')))
        .returning({ id: schema.outbox.id });
      return rows.length;
    },
  };
}
