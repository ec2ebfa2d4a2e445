// Writes what one advance() decided, in the caller's transaction: outbox rows and their
// transcript lines, timers (durable), results, webhook events, conversation status. Every row is
// keyed by the effect id, so a replay of the same turn writes nothing twice.
import { and, eq, sql } from 'drizzle-orm';
import { schema, type Database } from '@waflow/db';
import type { ConversationState, Effect, OutboundContent } from '@waflow/flow';
import type { OutboundMessage } from '../channels/channel.ts';
import { enqueueWebhookEvent } from '../integrations/webhooks/enqueue-event.ts';

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

export function conversationStatus(state: ConversationState): 'active' | 'waiting' | 'handoff' | 'completed' | 'expired' {
  if (state.status === 'completed') return state.endReason === 'expired' ? 'expired' : 'completed';
  return state.status;
}

export async function applyEffects(tx: Database, ctx: TurnContext, state: ConversationState, effects: Effect[]): Promise<{ sends: number }> {
  let sends = 0;
  const key = (e: Effect) => `${ctx.conversationId}:${e.id}`;
  for (const e of effects) {
    switch (e.type) {
      case 'send': {
        const [msg] = await tx
          .insert(schema.messages)
          .values({ workspaceId: ctx.workspaceId, numberId: ctx.numberId, conversationId: ctx.conversationId, direction: 'out', type: e.message.kind, body: transcriptBody(e.message), status: 'pending' })
          .returning({ id: schema.messages.id });
        const inserted = await tx
          .insert(schema.outbox)
          .values({ numberId: ctx.numberId, conversationId: ctx.conversationId, messageId: msg?.id ?? null, idempotencyKey: key(e), payload: toOutbound(ctx.contactWaId, e.message), nextAttemptAt: ctx.now })
          .onConflictDoNothing()
          .returning({ id: schema.outbox.id });
        if (inserted.length === 0 && msg) await tx.delete(schema.messages).where(eq(schema.messages.id, msg.id));
        else sends += 1;
        break;
      }
      case 'set_timer':
        await tx
          .insert(schema.timers)
          .values({ conversationId: ctx.conversationId, key: e.id, dueAt: new Date(e.dueAt), payload: { kind: 'timer', purpose: e.purpose } })
          .onConflictDoNothing();
        break;
      case 'cancel_timer':
        await tx
          .update(schema.timers)
          .set({ cancelledAt: ctx.now })
          .where(and(eq(schema.timers.conversationId, ctx.conversationId), eq(schema.timers.key, e.timerId), sql`${schema.timers.firedAt} is null`));
        break;
      case 'http_request':
        // Durable like a timer due now: the timer worker makes the call and feeds the answer back.
        await tx
          .insert(schema.timers)
          .values({
            conversationId: ctx.conversationId,
            key: `http:${e.id}`,
            dueAt: ctx.now,
            payload: { kind: 'http', requestId: e.id, method: e.method, url: e.url, headers: e.headers, body: e.body ?? null, timeoutMs: e.timeoutMs },
          })
          .onConflictDoNothing();
        break;
      case 'webhook':
        await enqueueWebhookEvent(tx, { id: `evt_${ctx.conversationId}_${e.id}`, type: e.event, workspaceId: ctx.workspaceId, occurredAt: ctx.now, data: { ...e.payload, conversationId: ctx.conversationId, flowId: ctx.flowId, contact: ctx.contactWaId } });
        break;
      case 'handoff':
        await tx.update(schema.conversations).set({ status: 'handoff' }).where(eq(schema.conversations.id, ctx.conversationId));
        await enqueueWebhookEvent(tx, { id: `evt_${ctx.conversationId}_${e.id}`, type: 'handoff.requested', workspaceId: ctx.workspaceId, occurredAt: ctx.now, data: { conversationId: ctx.conversationId, contact: ctx.contactWaId, reason: e.reason ?? null } });
        break;
      case 'results':
        await tx
          .insert(schema.results)
          .values({ workspaceId: ctx.workspaceId, flowId: ctx.flowId, flowVersionId: ctx.flowVersionId, conversationId: ctx.conversationId, contactId: ctx.contactId, status: e.status, variables: e.variables, updatedAt: ctx.now })
          .onConflictDoUpdate({ target: schema.results.conversationId, set: { status: e.status, variables: e.variables, updatedAt: ctx.now } });
        if (e.status === 'completed') {
          await enqueueWebhookEvent(tx, { id: `evt_${ctx.conversationId}_${e.id}`, type: 'conversation.completed', workspaceId: ctx.workspaceId, occurredAt: ctx.now, data: { conversationId: ctx.conversationId, flowId: ctx.flowId, flowVersionId: ctx.flowVersionId, contact: ctx.contactWaId, results: e.variables } });
        }
        break;
      case 'end':
      case 'error':
        // The end shows in the conversation status below; errors are logged by the processor.
        break;
      default: {
        const never: never = e;
        throw new Error(`unknown effect ${JSON.stringify(never)}`);
      }
    }
  }
  await tx
    .update(schema.conversations)
    .set({ status: conversationStatus(state), lastActivityAt: ctx.now })
    .where(eq(schema.conversations.id, ctx.conversationId));
  return { sends };
}
