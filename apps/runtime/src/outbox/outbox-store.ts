// The outbox sender's view of the outbox table on Postgres/PGlite. Rows are claimed with
// FOR UPDATE SKIP LOCKED, so two senders never take the same row.
import { and, eq, sql } from 'drizzle-orm';
import { schema, type Database } from '@waflow/db';
import type { OutboundMessage } from '../channels/channel.ts';
import type { OutboxRow, OutboxStore } from './outbox-sender.ts';

export function createOutboxStore(db: Database): OutboxStore & { recoverSending(numberId: string): Promise<number> } {
  return {
    async claimDue(numberId, limit, now) {
      const rows = await db.execute<{ id: string; number_id: string; attempts: number; payload: OutboundMessage }>(sql`
        update ${schema.outbox} set status = 'sending', attempts = attempts + 1
        where id in (
          select id from ${schema.outbox}
          where number_id = ${numberId} and status = 'queued' and next_attempt_at <= ${now.toISOString()}::timestamptz
          order by priority desc, seq
          limit ${limit}
          for update skip locked
        )
        returning id, number_id, attempts, payload`);
      const list = Array.isArray(rows) ? rows : ((rows as { rows?: unknown[] }).rows ?? []);
      return (list as { id: string; number_id: string; attempts: number; payload: OutboundMessage }[])
        .map((r): OutboxRow => ({ id: r.id, numberId: r.number_id, attempts: r.attempts, message: r.payload }));
    },
    async markSent(id, providerMessageId, now) {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .update(schema.outbox)
          .set({ status: 'sent', providerMessageId, sentAt: now, error: null })
          .where(eq(schema.outbox.id, id))
          .returning({ messageId: schema.outbox.messageId });
        if (row?.messageId) {
          await tx.update(schema.messages).set({ status: 'sent', waMessageId: providerMessageId, sentAt: now }).where(eq(schema.messages.id, row.messageId));
        }
      });
    },
    async markRetry(id, nextAttemptAt, error) {
      await db.update(schema.outbox).set({ status: 'queued', nextAttemptAt, error }).where(eq(schema.outbox.id, id));
    },
    async markFailed(id, error) {
      await db.transaction(async (tx) => {
        const [row] = await tx.update(schema.outbox).set({ status: 'failed', error }).where(eq(schema.outbox.id, id)).returning({ messageId: schema.outbox.messageId });
        if (row?.messageId) await tx.update(schema.messages).set({ status: 'failed', error }).where(eq(schema.messages.id, row.messageId));
      });
    },
    /**
     * Rows left in `sending` by a process that died may or may not have reached WhatsApp: they are
     * failed with that reason rather than sent again (at most once: never a duplicate reply).
     */
    async recoverSending(numberId) {
      const rows = await db
        .update(schema.outbox)
        .set({ status: 'failed', error: 'interrupted while sending (process stopped); not sent again to avoid a duplicate' })
        .where(and(eq(schema.outbox.numberId, numberId), eq(schema.outbox.status, 'sending')))
        .returning({ id: schema.outbox.id });
      return rows.length;
    },
  };
}
