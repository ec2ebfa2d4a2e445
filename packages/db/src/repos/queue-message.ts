// A message a person or an integrator sends (not the flow): a transcript row and an outbox row in
// the caller's transaction; the number's outbox sender (polling every second) sends it with the
// same pacing, retries and at-most-once guarantee as the bot's replies. A failed message is
// queued again from the inbox through its own outbox row (resendFailedMessage).
import { and, eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import * as schema from '../schema/index.ts';

export interface QueuedMessage {
  workspaceId: string;
  numberId: string;
  conversationId: string | null;
  /** The contact's WhatsApp id (`<digits>@c.us`). */
  to: string;
  text: string;
  author: 'agent' | 'integrator' | 'campaign';
  /** Makes a retried request queue the message once. */
  idempotencyKey: string;
  /**
   * Sent as this approved WhatsApp template where the channel has templates (the Cloud API,
   * Twilio with a Content SID); `text` is its filled body, which the transcript shows and the
   * channels without templates send.
   */
  template?: { name: string; language: string; parameters: string[]; contentSid?: string };
  /**
   * A file from the data folder (`media/…`, MediaStorage) sent as an image or a document; `text`
   * is its caption (may be empty).
   */
  media?: { ref: string; mediaType: 'image' | 'document'; fileName: string };
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
      type: m.media ? 'media' : 'text',
      body: m.text,
      ...(m.media ? { mediaRef: m.media.ref } : {}),
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
      payload: m.media
        ? {
            to: m.to,
            type: 'media',
            url: m.media.ref,
            mediaType: m.media.mediaType,
            fileName: m.media.fileName,
            ...(m.text ? { caption: m.text } : {}),
          }
        : m.template
          ? { to: m.to, type: 'template', ...m.template, text: m.text }
          : { to: m.to, type: 'text', text: m.text },
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
      typeof payload === 'object' && payload !== null
        ? 'text' in payload
          ? payload.text
          : 'caption' in payload
            ? payload.caption
            : ''
        : undefined;
    return {
      messageId: first?.messageId ?? msg.id,
      queued: false,
      text: typeof text === 'string' ? text : '',
    };
  }
  return { messageId: msg.id, queued: true, text: m.text };
}

/**
 * Queues a failed outbound message again through its own outbox row: the row goes back to
 * `queued` (attempts from zero) and the message to `pending`, so the transcript keeps one row
 * that moves on to sent or failed. Only a failed message moves: a second call (a double click)
 * finds it pending and changes nothing, so the message goes out once. A row a crash interrupted
 * keeps its mark: a channel that can look it up still does before sending (OutboxSender).
 */
export async function resendFailedMessage(
  tx: Database,
  m: { workspaceId: string; conversationId: string; messageId: string },
): Promise<
  | { kind: 'queued' }
  | { kind: 'missing' }
  | { kind: 'not_failed'; status: string }
  | { kind: 'no_outbox' }
> {
  const [msg] = await tx
    .select({ status: schema.messages.status, direction: schema.messages.direction })
    .from(schema.messages)
    .where(
      and(
        eq(schema.messages.id, m.messageId),
        eq(schema.messages.workspaceId, m.workspaceId),
        eq(schema.messages.conversationId, m.conversationId),
      ),
    )
    .for('update');
  if (!msg || msg.direction !== 'out') return { kind: 'missing' };
  if (msg.status !== 'failed') return { kind: 'not_failed', status: msg.status };
  const requeued = await tx
    .update(schema.outbox)
    .set({
      status: 'queued',
      attempts: 0,
      nextAttemptAt: new Date(),
      handedAt: null,
      error: null,
    })
    .where(and(eq(schema.outbox.messageId, m.messageId), eq(schema.outbox.status, 'failed')))
    .returning({ id: schema.outbox.id });
  if (requeued.length === 0) return { kind: 'no_outbox' };
  await tx
    .update(schema.messages)
    .set({ status: 'pending', error: null })
    .where(eq(schema.messages.id, m.messageId));
  return { kind: 'queued' };
}
