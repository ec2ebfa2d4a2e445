// The outbox sender's view of the outbox table on Postgres/PGlite. Rows are claimed with
// FOR UPDATE SKIP LOCKED, so two senders never take the same row.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { schema, type Database } from '@waflow/db';
import type { OutboundMessage } from '../channels/channel.ts';
import { enqueueWebhookEvent } from '../integrations/webhooks/enqueue-event.ts';
import type { OutboxRow, OutboxStore } from './outbox-sender.ts';

export function createOutboxStore(db: Database): OutboxStore & { recoverSending(numberId: string): Promise<number> } {
  return {
    async claimDue(numberId, limit, now) {
      const rows = await db.execute<{ id: string; number_id: string; attempts: number; payload: OutboundMessage }>(sql`
        update ${schema.outbox} set status = 'sending', attempts = attempts + 1, handed_at = null
        where id in (
          select id from ${schema.outbox}
          where number_id = ${numberId} and status = 'queued' and next_attempt_at <= ${now.toISOString()}::timestamptz
          order by priority desc, seq
          limit ${limit}
          for update skip locked
        )
        returning id, number_id, attempts, payload, priority, seq`);
      const list = (Array.isArray(rows) ? rows : ((rows as { rows?: unknown[] }).rows ?? [])) as { id: string; number_id: string; attempts: number; payload: OutboundMessage; priority: number; seq: string | number }[];
      // RETURNING does not keep the subquery's order: sort again (a turn's replies go out in order).
      return list
        .sort((a, b) => b.priority - a.priority || Number(a.seq) - Number(b.seq))
        .map((r): OutboxRow => ({ id: r.id, numberId: r.number_id, attempts: r.attempts, message: r.payload }));
    },
    async markHanded(id, now) {
      await db.update(schema.outbox).set({ handedAt: now }).where(eq(schema.outbox.id, id));
    },
    async markSent(id, providerMessageId, now) {
      // One statement (one round trip) for the outbox row, the transcript row and the
      // `message.sent` webhook deliveries: the hot path of every reply, atomic.
      const at = now.toISOString();
      await db.execute(sql`
        with sent as (
          update ${schema.outbox} set status = 'sent', provider_message_id = ${providerMessageId}, sent_at = ${at}::timestamptz, error = null
          where id = ${id}
          returning id, message_id, number_id, conversation_id, payload
        ), msg as (
          update ${schema.messages} set wa_message_id = ${providerMessageId}, sent_at = ${at}::timestamptz,
            status = case when ${schema.messages.status} = 'pending' then 'sent' else ${schema.messages.status} end
          from sent where ${schema.messages.id} = sent.message_id
          returning ${schema.messages.id} as id, ${schema.messages.author} as author, ${schema.messages.type} as type, ${schema.messages.body} as body
        )
        insert into ${schema.webhookDeliveries} (endpoint_id, event_id, event_type, payload, next_attempt_at)
        select e.id, 'evt_sent_' || sent.id, 'message.sent',
          jsonb_build_object('id', 'evt_sent_' || sent.id, 'type', 'message.sent', 'timestamp', ${at}::text,
            'data', jsonb_build_object('messageId', msg.id, 'numberId', sent.number_id, 'conversationId', sent.conversation_id,
              'contact', sent.payload->>'to', 'type', msg.type, 'text', msg.body, 'author', msg.author, 'providerMessageId', ${providerMessageId}::text)),
          ${at}::timestamptz
        from sent
        join msg on true
        join ${schema.numbers} n on n.id = sent.number_id
        join ${schema.webhookEndpoints} e on e.workspace_id = n.workspace_id and e.enabled and ('*' = any(e.events) or 'message.sent' = any(e.events))
        on conflict do nothing`);
    },
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
