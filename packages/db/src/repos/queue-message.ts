// A message a person or an integrator sends (not the flow): a transcript row and an outbox row in
// the caller's transaction; the number's outbox sender (polling every second) sends it with the
// same pacing, retries and at-most-once guarantee as the bot's replies.
import { eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import * as schema from '../schema/index.ts';

export interface QueuedMessage {
  workspaceId: string;
  numberId: string;
  conversationId: string | null;
  /** The contact's WhatsApp id (`<digits>@c.us`). */
  to: string;
  text: string;
  author: 'agent' | 'integrator';
  /** Makes a retried request queue the message once. */
  idempotencyKey: string;
}

/**
 * `queued: false` when a message was queued under this idempotency key before: then `messageId`
 * and `text` are that first message's (the caller compares the text to tell a retry from a reuse).
 */
export async function queueMessage(
  tx: Database,
  m: QueuedMessage,
): Promise<{ messageId: string; queued: boolean; text: string }> {
  const [msg] = await tx
    .insert(schema.messages)
    .values({
      workspaceId: m.workspaceId,
      numberId: m.numberId,
      conversationId: m.conversationId,
      direction: 'out',
      type: 'text',
      body: m.text,
      status: 'pending',
      author: m.author,
    })
    .returning({ id: schema.messages.id });
  if (!msg) throw new Error('message insert returned nothing');
  const inserted = await tx
    .insert(schema.outbox)
    .values({
      numberId: m.numberId,
      conversationId: m.conversationId,
      messageId: msg.id,
      idempotencyKey: m.idempotencyKey,
      payload: { to: m.to, type: 'text', text: m.text },
      priority: 1,
    })
    .onConflictDoNothing()
    .returning({ id: schema.outbox.id });
  if (inserted.length === 0) {
    // Queued before under this key: keep the transcript single, answer with the first message.
    await tx.delete(schema.messages).where(eq(schema.messages.id, msg.id));
    const [first] = await tx
      .select({ messageId: schema.outbox.messageId, payload: schema.outbox.payload })
      .from(schema.outbox)
      .where(eq(schema.outbox.idempotencyKey, m.idempotencyKey));
    const payload: unknown = first?.payload;
    const text =
      typeof payload === 'object' && payload !== null && 'text' in payload
        ? payload.text
        : undefined;
    return {
      messageId: first?.messageId ?? msg.id,
      queued: false,
      text: typeof text === 'string' ? text : '',
    };
  }
  return { messageId: msg.id, queued: true, text: m.text };
}
