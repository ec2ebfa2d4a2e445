// Failing an outbox row for good: the row, its transcript message (status and reason) and the
// `message.failed` webhook event, in one transaction — so a failed reply is never left `pending`
// in the inbox, and the integrator hears about every failure once — and its count for analytics.
import { and, eq, ne } from 'drizzle-orm';
import {
  countFailedSend,
  enqueueWebhookEvent,
  schema,
  type Database,
  type MessageFailedEvent,
} from '@waflow/db';
import type { OutboundMessage } from '@waflow/channel';

type MessageFailedData = MessageFailedEvent['data'];

/**
 * Fails outbox row `id` with `error`, unless it was sent meanwhile. The event id names the
 * failure (row and time): a row resent from the inbox that fails again is a new event.
 */
export async function failOutboxRow(
  db: Database,
  id: string,
  error: string,
  at = new Date(),
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(schema.outbox)
      .set({ status: 'failed', error })
      .where(and(eq(schema.outbox.id, id), ne(schema.outbox.status, 'sent')))
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
    // The Overview's failed sends, counted here, once per failure.
    await countFailedSend(tx, {
      workspaceId: number.workspaceId,
      numberId: row.numberId,
      conversationId: row.conversationId,
      at,
    });
    await enqueueWebhookEvent(tx, {
      id: `evt_failed_${id}_${at.getTime()}`,
      type: 'message.failed',
      workspaceId: number.workspaceId,
      // A simulator number's failures reach no endpoint (see isSimulatorNumber).
      numberId: row.numberId,
      occurredAt: at,
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
}
