// The outbox sender's view of the outbox table on Postgres/PGlite. Rows are claimed with
// FOR UPDATE SKIP LOCKED, so two senders never take the same row.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { executeRows, schema, uuidArray, type Database } from '@waflow/db';
import type { OutboundMessage } from '../channels/channel.ts';
import { Batcher } from '../batching/batcher.ts';
import { enqueueWebhookEvent } from '../integrations/webhooks/enqueue-event.ts';
import type { OutboxRow, OutboxStore } from './outbox-sender.ts';

export function createOutboxStore(db: Database): OutboxStore & { recoverSending(numberId: string): Promise<number> } {
  // Rows handed over and rows sent are recorded a batch at a time: every reply of a busy number
  // passes here twice, and each contact's sends run side by side.
  const handed = new Batcher<{ id: string; at: Date }>(async (rows) => {
    await db.execute(sql`
      update ${schema.outbox} o set handed_at = h.at
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as h(id uuid, at timestamptz)
      where o.id = h.id and o.id = any(${uuidArray(rows.map((r) => r.id))})`);
    return rows.map(() => undefined);
  });
  const sent = new Batcher<{ id: string; providerMessageId: string; at: Date }>(async (rows) => {
    // One statement (one round trip) for the outbox rows, their transcript rows and the
    // `message.sent` webhook deliveries: the hot path of every reply, atomic.
    await db.execute(sql`
      with input as (
        select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as i(id uuid, "providerMessageId" text, at text)
      ), sent as (
        update ${schema.outbox} o set status = 'sent', provider_message_id = i."providerMessageId", sent_at = i.at::timestamptz, error = null
        from input i where o.id = i.id and o.id = any(${uuidArray(rows.map((r) => r.id))})
        returning o.id, o.message_id, o.number_id, o.conversation_id, o.payload, i."providerMessageId" as provider, i.at
      ), msg as (
        update ${schema.messages} m set wa_message_id = s.provider, sent_at = s.at::timestamptz,
          status = case when m.status = 'pending' then 'sent' else m.status end
        from sent s where m.id = s.message_id
        returning m.id, m.author, m.type, m.body, s.id as outbox_id
      )
      insert into ${schema.webhookDeliveries} (endpoint_id, event_id, event_type, payload, next_attempt_at)
      select e.id, 'evt_sent_' || sent.id, 'message.sent',
        jsonb_build_object('id', 'evt_sent_' || sent.id, 'type', 'message.sent', 'timestamp', sent.at,
          'data', jsonb_build_object('messageId', msg.id, 'numberId', sent.number_id, 'conversationId', sent.conversation_id,
            'contact', sent.payload->>'to', 'type', msg.type, 'text', msg.body, 'author', msg.author, 'providerMessageId', sent.provider)),
        sent.at::timestamptz
      from sent
      join msg on msg.outbox_id = sent.id
      join ${schema.numbers} n on n.id = sent.number_id
      join ${schema.webhookEndpoints} e on e.workspace_id = n.workspace_id and e.enabled and ('*' = any(e.events) or 'message.sent' = any(e.events))
      on conflict do nothing`);
    return rows.map(() => undefined);
  });
  return {
    async claimDue(numberId, limit, now) {
      const list = await executeRows<{ id: string; number_id: string; attempts: number; payload: OutboundMessage; priority: number; seq: string | number }>(
        db,
        sql`
        update ${schema.outbox} set status = 'sending', attempts = attempts + 1, handed_at = null
        where id in (
          select id from ${schema.outbox}
          where number_id = ${numberId} and status = 'queued' and next_attempt_at <= ${now.toISOString()}::timestamptz
          order by priority desc, seq
          limit ${limit}
          for update skip locked
        )
        returning id, number_id, attempts, payload, priority, seq`,
      );
      // RETURNING does not keep the subquery's order: sort again (a turn's replies go out in order).
      return list
        .sort((a, b) => b.priority - a.priority || Number(a.seq) - Number(b.seq))
        .map((r): OutboxRow => ({ id: r.id, numberId: r.number_id, attempts: r.attempts, message: r.payload }));
    },
    markHanded: (id, now) => handed.add({ id, at: now }),
    markSent: (id, providerMessageId, now) => sent.add({ id, providerMessageId, at: now }),
    async markRetry(id, nextAttemptAt, error) {
      await db.update(schema.outbox).set({ status: 'queued', nextAttemptAt, error }).where(eq(schema.outbox.id, id));
    },
    async markFailed(id, error) {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .update(schema.outbox)
          .set({ status: 'failed', error })
          .where(eq(schema.outbox.id, id))
          .returning({ messageId: schema.outbox.messageId, numberId: schema.outbox.numberId, conversationId: schema.outbox.conversationId, payload: schema.outbox.payload });
        if (!row) return;
        const [msg] = row.messageId
          ? await tx.update(schema.messages).set({ status: 'failed', error }).where(eq(schema.messages.id, row.messageId)).returning({ author: schema.messages.author, type: schema.messages.type, body: schema.messages.body })
          : [];
        const [number] = await tx.select({ workspaceId: schema.numbers.workspaceId }).from(schema.numbers).where(eq(schema.numbers.id, row.numberId));
        if (!number) return;
        await enqueueWebhookEvent(tx, {
          id: `evt_failed_${id}`,
          type: 'message.failed',
          workspaceId: number.workspaceId,
          occurredAt: new Date(),
          data: { messageId: row.messageId, numberId: row.numberId, conversationId: row.conversationId, contact: (row.payload as OutboundMessage).to, type: msg?.type ?? 'text', text: msg?.body ?? null, author: msg?.author ?? 'bot', error },
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
        .where(and(eq(schema.outbox.numberId, numberId), eq(schema.outbox.status, 'sending'), isNull(schema.outbox.handedAt)));
      // Handed over when the process stopped: it may have gone out, so it is never sent again.
      const rows = await db
        .update(schema.outbox)
        .set({ status: 'failed', error: 'interrupted while sending (process stopped); not sent again to avoid a duplicate' })
        .where(and(eq(schema.outbox.numberId, numberId), eq(schema.outbox.status, 'sending')))
        .returning({ id: schema.outbox.id });
      return rows.length;
    },
  };
}
