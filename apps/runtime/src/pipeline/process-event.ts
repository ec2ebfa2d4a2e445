// The inbound path after persistence: lock the conversation, load its state (cache, else the
// last checkpoint), advance the flow, and commit everything the turn decided in one transaction
// fenced by the lock's token. See ARCHITECTURE.md, "Inbound path".
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Coordinator } from '@waflow/coord';
import { createConversation, findOpenConversation, readCheckpoint, schema, upsertContact, writeCheckpoint, type Database } from '@waflow/db';
import { advance, type ConversationState, type FlowEvent } from '@waflow/flow';
import type { FlowLoader } from '../flows/flow-loader.ts';
import type { Counters } from '../observability/counters.ts';
import type { Logger } from '../observability/logger.ts';
import { applyEffects, conversationStatus } from './apply-effects.ts';
import { enqueueWebhookEvent } from '../integrations/webhooks/enqueue-event.ts';
import { parseInboundPayload, type InboundPayload } from './inbound-payload.ts';

export class StaleFenceError extends Error {
  readonly code = 'STALE_FENCE';
}

export interface PipelineDeps {
  db: Database;
  coord: Coordinator;
  flows: FlowLoader;
  log: Logger;
  counters: Counters;
  now: () => number;
  /** Told when a turn queued messages for a number (wakes its outbox sender). */
  onOutbox?: (numberId: string) => void;
  /** Test seam: runs after advance(), before the commit (crash and stale-holder tests pause here). */
  beforeCommit?: () => Promise<void>;
}

type EventRow = typeof schema.inboundEvents.$inferSelect;

export const lockKey = (numberId: string, waId: string) => `${numberId}:${waId}`;
const stateKey = (conversationId: string) => `conv:${conversationId}`;

/** The next unprocessed event of one contact on one number, in arrival order. */
export async function nextPendingEvent(db: Database, numberId: string, fromWaId: string): Promise<EventRow | undefined> {
  const [row] = await db
    .select()
    .from(schema.inboundEvents)
    .where(and(eq(schema.inboundEvents.numberId, numberId), eq(schema.inboundEvents.fromWaId, fromWaId), inArray(schema.inboundEvents.status, ['pending', 'processing'])))
    .orderBy(asc(schema.inboundEvents.seq))
    .limit(1);
  return row;
}

function toFlowEvent(p: InboundPayload, isFirstMessage: boolean): FlowEvent {
  switch (p.kind) {
    case 'message': {
      const m = p.message;
      const contact = { phone: m.from.replace(/@.*$/, ''), ...(m.contactName ? { name: m.contactName } : {}) };
      if (m.type === 'media' && m.media) return { type: 'message', isFirstMessage, contact, message: { kind: 'media', ref: m.media.ref, mimeType: m.media.mimeType, ...(m.text ? { caption: m.text } : {}) } };
      if (m.type === 'location' && m.location) return { type: 'message', isFirstMessage, contact, message: { kind: 'location', ...m.location } };
      return { type: 'message', isFirstMessage, contact, message: { kind: 'text', text: m.text ?? '' } };
    }
    case 'timer':
      return { type: 'timer', timerId: p.timerId };
    case 'http_response':
      return { type: 'http_response', requestId: p.requestId, outcome: p.outcome, ...(p.status === undefined ? {} : { status: p.status }), ...(p.body === undefined ? {} : { body: p.body }), ...(p.error ? { error: p.error } : {}) };
    case 'handoff_released':
      return { type: 'handoff_released' };
    case 'api_start':
      return { type: 'api_start', variables: p.variables, contact: p.contact };
  }
}

/** Processes one inbound event under its conversation lock. Returns false when it was already done. */
export async function processEvent(deps: PipelineDeps, ev: EventRow): Promise<boolean> {
  const { db, coord } = deps;
  const waitStarted = deps.now();
  return coord.withLock(lockKey(ev.numberId, ev.fromWaId), async ({ fence }) => {
    deps.counters.observe('lock_wait', deps.now() - waitStarted);
    // Claimed under the lock in one statement: another holder may have processed it meanwhile.
    const [current] = await db
      .update(schema.inboundEvents)
      .set({ status: 'processing', attempts: sql`${schema.inboundEvents.attempts} + 1` })
      .where(and(eq(schema.inboundEvents.id, ev.id), inArray(schema.inboundEvents.status, ['pending', 'processing'])))
      .returning();
    if (!current) return false;

    const payload = parseInboundPayload(current.payload);
    const nowMs = deps.now();
    const now = new Date(nowMs);
    const [number] = await db.select().from(schema.numbers).where(eq(schema.numbers.id, ev.numberId));
    if (!number) {
      await markDone(db, ev.id, 'failed', 'the number was removed');
      return true;
    }
    const contactName = payload.kind === 'message' ? payload.message.contactName : payload.kind === 'api_start' ? payload.contact.name : undefined;
    const contact = await upsertContact(db, { workspaceId: number.workspaceId, numberId: number.id, waId: ev.fromWaId, name: contactName ?? null });

    let conversation = await findOpenConversation(db, number.id, contact.id);
    if (conversation && payload.kind !== 'message' && payload.kind !== 'api_start' && payload.conversationId !== conversation.id) {
      // A timer or answer for a conversation that has ended since: nothing to do.
      await markDone(db, ev.id, 'processed');
      return true;
    }
    if (conversation && payload.kind === 'message' && isPausedForPerson(conversation, now)) {
      // A person has this conversation (taken over in the web app, or replying from the phone):
      // the bot stays quiet; the message goes into the transcript for them.
      const conv = conversation;
      await db.transaction(async (tx) => {
        await recordInbound(tx, number.workspaceId, number.id, conv.id, payload);
        await tx.update(schema.conversations).set({ lastActivityAt: now }).where(eq(schema.conversations.id, conv.id));
        await markDone(tx, ev.id, 'processed');
      });
      return true;
    }
    const loaded = conversation?.flowVersionId
      ? await deps.flows.byVersion(conversation.flowVersionId)
      : payload.kind === 'api_start' && payload.flowId
        ? await deps.flows.forFlow(payload.flowId)
        : await deps.flows.forNumber(number.id);
    if (!loaded) {
      await db.transaction(async (tx) => {
        if (payload.kind === 'message') await recordInbound(tx, number.workspaceId, number.id, conversation?.id ?? null, payload);
        await markDone(tx, ev.id, 'processed', 'no published flow for this number');
      });
      return true;
    }

    let state: ConversationState | null = null;
    if (conversation) {
      const cached = await coord.getState<ConversationState>(stateKey(conversation.id)).catch(() => undefined);
      state = cached ? cached.value : (((await readCheckpoint(db, conversation.id))?.state as ConversationState | undefined) ?? null);
    }
    const isFirstMessage = !conversation && !(await db.select({ id: schema.conversations.id }).from(schema.conversations).where(eq(schema.conversations.contactId, contact.id)).limit(1))[0];
    const result = advance(loaded.config, state, toFlowEvent(payload, isFirstMessage), nowMs, loaded.subflows);
    for (const e of result.effects) {
      if (e.type === 'error') deps.log.warn({ numberId: number.id, conversationId: conversation?.id, code: e.code, nodeId: e.nodeId }, e.message);
    }

    if (!result.state || (!conversation && result.effects.length === 0)) {
      // No trigger matched and no conversation is open: keep the message in the inbox only.
      await db.transaction(async (tx) => {
        if (payload.kind === 'message') await recordInbound(tx, number.workspaceId, number.id, null, payload);
        await markDone(tx, ev.id, 'processed');
      });
      return true;
    }
    const next = result.state;

    // The cache is dropped before the write and set after it: a crash in between leaves no
    // stale cache behind, only the checkpoint.
    if (conversation) await coord.deleteState(stateKey(conversation.id)).catch(() => undefined);
    await deps.beforeCommit?.();
    let sends = 0;
    await db.transaction(async (tx) => {
      const isNew = !conversation;
      if (!conversation) {
        try {
          conversation = await createConversation(tx, { workspaceId: number.workspaceId, numberId: number.id, contactId: contact.id, flowId: loaded.flowId, flowVersionId: loaded.versionId });
        } catch (err) {
          // Another holder opened the contact's conversation after we looked: we are stale.
          if (isUniqueViolation(err)) throw new StaleFenceError(`a newer holder opened a conversation for contact ${contact.id}`);
          throw err;
        }
      }
      const conv = conversation;
      if (!(await writeCheckpoint(tx, conv.id, next, fence))) throw new StaleFenceError(`a newer holder checkpointed conversation ${conv.id}`);
      if (payload.kind === 'message') await recordInbound(tx, number.workspaceId, number.id, conv.id, payload);
      if (isNew) {
        await enqueueWebhookEvent(tx, { id: `evt_${conv.id}_started`, type: 'conversation.started', workspaceId: number.workspaceId, occurredAt: now, data: { conversationId: conv.id, flowId: loaded.flowId, flowVersionId: loaded.versionId, contact: contact.waId } });
      }
      ({ sends } = await applyEffects(tx, { workspaceId: number.workspaceId, numberId: number.id, conversationId: conv.id, contactId: contact.id, contactWaId: contact.waId, flowId: loaded.flowId, flowVersionId: loaded.versionId, now }, next, result.effects));
      await markDone(tx, ev.id, 'processed');
    });
    deps.counters.inc('inbound_processed_total');
    // Persisted → handled: the inbound-to-outbox latency of the architecture.
    deps.counters.observe('pipeline_latency', Math.max(0, deps.now() - ev.receivedAt.getTime()));
    if (conversation && conversationStatus(next) !== 'completed' && conversationStatus(next) !== 'expired') {
      await coord.setState(stateKey(conversation.id), next, fence).catch(() => undefined);
    }
    if (sends > 0) deps.onOutbox?.(number.id);
    return true;
  });
}

/** In handoff with no end set (until released), or paused until a time still ahead. */
export function isPausedForPerson(c: { status: string; handoffUntil: Date | null }, now: Date): boolean {
  return c.status === 'handoff' && (c.handoffUntil === null || c.handoffUntil > now);
}

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e; e = e instanceof Error ? e.cause : undefined) {
    if (typeof e === 'object' && e !== null && 'code' in e && e.code === '23505') return true;
  }
  return false;
}

async function markDone(db: Database, id: string, status: 'processed' | 'failed', error?: string): Promise<void> {
  await db.update(schema.inboundEvents).set({ status, processedAt: new Date(), error: error ?? null }).where(eq(schema.inboundEvents.id, id));
}

async function recordInbound(tx: Database, workspaceId: string, numberId: string, conversationId: string | null, p: Extract<InboundPayload, { kind: 'message' }>): Promise<void> {
  const m = p.message;
  const [row] = await tx
    .insert(schema.messages)
    .values({
      workspaceId,
      numberId,
      conversationId,
      direction: 'in',
      waMessageId: m.messageId,
      type: m.type,
      body: m.text ?? (m.location ? `${m.location.latitude},${m.location.longitude}` : null),
      mediaRef: m.media?.ref ?? null,
      status: 'delivered',
      author: 'contact',
    })
    .onConflictDoNothing()
    .returning({ id: schema.messages.id });
  if (!row) return;
  await enqueueWebhookEvent(tx, {
    id: `evt_in_${row.id}`,
    type: 'message.received',
    workspaceId,
    occurredAt: new Date(),
    data: { messageId: row.id, numberId, conversationId, contact: m.from, type: m.type, text: m.text ?? null, waMessageId: m.messageId },
  });
}
