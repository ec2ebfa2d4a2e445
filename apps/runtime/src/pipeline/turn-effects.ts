// What advance() decided, added to a turn's rows (no I/O here): replies as outbox rows and
// transcript lines, timers and http calls, results, webhook events, handoffs, contact updates.
import { randomUUID } from 'node:crypto';
import type { ConversationState, Effect, OutboundContent } from '@waflow/flow';
import type { OutboundMessage } from '@waflow/channel';
import {
  conversationStatus,
  type SendRow,
  type TurnContext,
  type TurnWrites,
} from './turn-plan.ts';

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
