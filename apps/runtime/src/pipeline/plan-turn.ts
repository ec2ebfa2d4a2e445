// Decides a conversation's turn from its claimed event: the flow to run, opt-outs, a person's
// pause, a debounced burst, advance(), and the rows to write — with no write yet.
import { randomUUID } from 'node:crypto';
import { advance, type ConversationState, type FlowConfig } from '@waflow/flow';
import { parseInboundPayload } from '@waflow/db';
import { optChange, type OptChange } from './opt-out.ts';
import { typedAttributes } from './contact-attributes.ts';
import type { LoadedFlow } from '../flows/flow-loader.ts';
import type { ClaimedEvent } from './claim-event.ts';
import { addEffects, addUnplacedReplies } from './turn-effects.ts';
import { emptyTurn, inboundRow, type TurnWrites } from './turn-plan.ts';
import { countMessages, countTurn } from './turn-analytics.ts';
import { toFlowEvent } from './flow-event.ts';
import { pendingTextBurst } from './text-burst.ts';
import { isPausedForPerson } from './handoff-pause.ts';
import type { PipelineDeps } from './process-event.ts';

type Planned = { turn: TurnWrites; advanced: boolean } | { waitUntil: number };

/** Decides the turn: what to write, with no write yet (reads only what the claim did not bring). */
export async function planTurn(
  deps: PipelineDeps,
  ev: ClaimedEvent,
  fence: number,
): Promise<Planned> {
  const turn = emptyTurn();
  let payload = parseInboundPayload(ev.payload);
  const nowMs = deps.now();
  const now = new Date(nowMs);
  // The events this turn settles and the transcript lines it writes: the claimed event, and the
  // rest of a debounced burst when one is joined.
  const events = [ev.id];
  const lines = payload.kind === 'message' ? [payload.message] : [];
  const workspaceId = ev.workspaceId;
  if (!workspaceId) {
    turn.events = [{ id: ev.id, status: 'failed', error: 'the number was removed' }];
    return { turn, advanced: false };
  }
  const settle = (conversationId: string | null, error: string | null = null) => {
    turn.events = events.map((id) => ({ id, status: 'processed', error }));
    turn.inbound = lines.map((m) => inboundRow(workspaceId, ev.numberId, conversationId, m));
  };

  const contactName =
    payload.kind === 'message'
      ? payload.message.contactName
      : payload.kind === 'api_start'
        ? payload.contact.name
        : undefined;
  // The claim brings the contact; it is written only when new or when its name changed.
  const contact =
    ev.contact && (!contactName || ev.contact.name === contactName)
      ? ev.contact
      : await deps.contacts.add({
          workspaceId,
          numberId: ev.numberId,
          waId: ev.fromWaId,
          name: contactName ?? null,
        });

  const conversation = ev.conversation;
  const text =
    payload.kind === 'message' && payload.message.type === 'text'
      ? (payload.message.text ?? '')
      : '';
  const optedOut = Boolean(ev.contact?.optedOutAt);
  const noteOpt = (flow: FlowConfig | undefined): OptChange => {
    const opt = text ? optChange(text, optedOut, ev.workspaceSettings, flow) : undefined;
    if (opt)
      turn.contactUpdate = {
        id: contact.id,
        optOut: opt.kind === 'out' ? { at: now, reason: opt.reason } : null,
      };
    return opt;
  };
  if (
    conversation &&
    payload.kind !== 'message' &&
    payload.kind !== 'api_start' &&
    payload.conversationId !== conversation.id
  ) {
    // A timer or answer for a conversation that has ended since: nothing to do.
    settle(null);
    return { turn, advanced: false };
  }
  if (conversation && payload.kind === 'message' && isPausedForPerson(conversation, now)) {
    // A person has this conversation (taken over in the web app, or replying from the phone):
    // the bot stays quiet; the message goes into the transcript for them.
    noteOpt(undefined);
    settle(conversation.id);
    countMessages(turn.analytics, conversation.flowId, now);
    turn.conversationUpdate = { id: conversation.id, at: now };
    return { turn, advanced: false };
  }
  const loaded: LoadedFlow | undefined = conversation?.flowVersionId
    ? await deps.flows.byVersion(workspaceId, conversation.flowVersionId)
    : payload.kind === 'api_start' && payload.flowId
      ? await deps.flows.forFlow(workspaceId, payload.flowId)
      : await deps.flows.forNumber(workspaceId, ev.numberId);
  const opt = noteOpt(loaded?.config);
  if (
    (optedOut && opt?.kind !== 'in') ||
    (opt?.kind === 'out' && !(opt.flowStop && conversation && loaded))
  ) {
    // Opted out (now, by a workspace keyword, or before): the bot stays quiet until a start
    // keyword; the message goes into the transcript (a flow's own stop keyword in a conversation
    // in progress lets the flow stop it, below).
    const holder = conversation?.id ?? ev.lastConversationId;
    if (conversation)
      turn.conversationUpdate = { id: conversation.id, status: 'completed', at: now };
    else if (holder) turn.conversationUpdate = { id: holder, at: now };
    else if (loaded) {
      turn.newConversation = {
        id: randomUUID(),
        workspaceId,
        numberId: ev.numberId,
        contactId: contact.id,
        flowId: loaded.flowId,
        flowVersionId: loaded.versionId,
      };
      turn.conversationUpdate = { id: turn.newConversation.id, status: 'completed', at: now };
    }
    settle(holder ?? turn.newConversation?.id ?? null);
    return { turn, advanced: false };
  }
  if (!loaded) {
    settle(conversation?.id ?? null, 'no published flow for this number');
    return { turn, advanced: false };
  }

  const state: ConversationState | null = conversation ? (ev.state ?? null) : null;
  const debounceMs = loaded.config.settings?.debounceMs ?? 0;
  if (
    debounceMs > 0 &&
    payload.kind === 'message' &&
    payload.message.type === 'text' &&
    state?.wait?.k === 'input'
  ) {
    // A burst answering a question is joined into one answer once it has been quiet for debounceMs.
    const burst = await pendingTextBurst(deps.db, ev);
    const lastAt = (burst.at(-1)?.receivedAt ?? ev.receivedAt).getTime();
    if (lastAt + debounceMs > nowMs) return { waitUntil: lastAt + debounceMs };
    for (const b of burst.slice(1)) {
      events.push(b.id);
      lines.push(b.message);
    }
    if (burst.length > 1)
      payload = {
        kind: 'message',
        message: { ...payload.message, text: lines.map((m) => m.text ?? '').join('\n') },
      };
  }

  const isFirstMessage = !conversation && !ev.hadConversations;
  const result = advance(
    loaded.config,
    state,
    toFlowEvent(
      payload,
      isFirstMessage,
      ev.contact && {
        ...(contact.name ? { name: contact.name } : {}),
        tags: ev.contact.tags,
        attributes: ev.contact.attributes,
      },
    ),
    nowMs,
    loaded.subflows,
  );
  for (const e of result.effects) {
    if (e.type === 'error')
      deps.log.warn(
        { numberId: ev.numberId, conversationId: conversation?.id, code: e.code, nodeId: e.nodeId },
        e.message,
      );
  }
  if (!result.state) {
    // Nothing started: no conversation is open and no trigger matched (a "thanks" after the flow
    // ended, a first message that is no keyword), or a late timer of none. Where its transcript
    // line and the fallback text's reply go — the decision: into the contact's latest
    // conversation (the one that ended: its status stays, its activity moves so the inbox shows
    // it on top), or, for a contact who never had one, into a conversation opened for them as
    // already completed (no conversation.started: no flow ran). Not into rows of no
    // conversation: messages have no contact, and the inbox, the API and the erasure of a
    // contact find a transcript through its conversations. Later messages that start nothing
    // join the same conversation, so a chatty contact does not fill the inbox.
    if (lines.length === 0) {
      settle(null);
      return { turn, advanced: false };
    }
    const existing = conversation?.id ?? ev.lastConversationId;
    const holder = existing ?? randomUUID();
    if (existing) turn.conversationUpdate = { id: holder, at: now };
    else {
      turn.newConversation = {
        id: holder,
        workspaceId,
        numberId: ev.numberId,
        contactId: contact.id,
        flowId: loaded.flowId,
        flowVersionId: loaded.versionId,
      };
      turn.conversationUpdate = { id: holder, status: 'completed', at: now };
    }
    settle(holder);
    countMessages(turn.analytics, loaded.flowId, now);
    addUnplacedReplies(
      turn,
      { workspaceId, numberId: ev.numberId, conversationId: holder, contactWaId: ev.fromWaId, now },
      ev.id,
      result.effects,
    );
    return { turn, advanced: turn.sends.length > 0 };
  }
  if (!conversation && result.effects.length === 0) {
    // A run that decided nothing at all: nothing to keep but the message.
    settle(null);
    return { turn, advanced: false };
  }
  const next = result.state;
  const conversationId = conversation?.id ?? randomUUID();
  if (!conversation) {
    turn.newConversation = {
      id: conversationId,
      workspaceId,
      numberId: ev.numberId,
      contactId: contact.id,
      flowId: loaded.flowId,
      flowVersionId: loaded.versionId,
    };
    turn.webhookEvents.push({
      id: `evt_${conversationId}_started`,
      type: 'conversation.started',
      workspaceId,
      numberId: ev.numberId,
      occurredAt: now,
      data: {
        conversationId,
        flowId: loaded.flowId,
        flowVersionId: loaded.versionId,
        contact: ev.fromWaId,
      },
    });
  }
  settle(conversationId);
  turn.checkpoint = { conversationId, state: next, fence };
  addEffects(
    turn,
    {
      workspaceId,
      numberId: ev.numberId,
      conversationId,
      contactId: contact.id,
      contactWaId: ev.fromWaId,
      flowId: loaded.flowId,
      flowVersionId: loaded.versionId,
      now,
    },
    next,
    result.effects,
  );
  countTurn(turn.analytics, {
    workspaceId,
    numberId: ev.numberId,
    flowId: loaded.flowId,
    flowVersionId: loaded.versionId,
    now,
    started: !conversation,
    state: next,
    effects: result.effects,
    visits: result.visits ?? [],
    ...(payload.kind === 'message' ? { receivedAt: ev.receivedAt } : {}),
  });
  if (turn.contactUpdate?.attributes)
    turn.contactUpdate.attributes = await typedAttributes(
      deps.db,
      deps.log,
      workspaceId,
      conversationId,
      turn.contactUpdate.attributes,
    );
  if (
    conversation &&
    turn.conversationUpdate?.status === conversation.status &&
    nowMs - conversation.lastActivityAt.getTime() < ACTIVITY_RESOLUTION_MS
  ) {
    delete turn.conversationUpdate;
  }
  return { turn, advanced: true };
}

/**
 * A conversation's last activity (what orders the inbox) is written at most this often while its
 * status stays the same: rewriting it re-indexes the row (it is in two list indexes), which was a
 * tenth of the database's work per message in a fast exchange (bench:pipeline). A change of
 * status is always written at once.
 */
export const ACTIVITY_RESOLUTION_MS = 1_000;
