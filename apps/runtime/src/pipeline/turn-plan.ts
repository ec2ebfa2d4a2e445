// The rows one turn of a conversation writes, as the engine decided them (no I/O here): built by
// planTurn (plan-turn.ts) with turn-effects.ts, written by commitTurns (commit-turns.ts).
// Every row is keyed (effect ids, message ids), so a turn replayed after a crash writes nothing twice.
import { randomUUID } from 'node:crypto';
import type { WebhookEvent } from '@waflow/db';
import type { ConversationState, OutboundContent } from '@waflow/flow';
import type { InboundMessage, OutboundMessage } from '@waflow/channel';
import { emptyCounts, type TurnCounts } from './turn-analytics.ts';

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

type ConversationStatus = 'active' | 'waiting' | 'handoff' | 'completed' | 'expired';

interface InboundRow {
  id: string;
  workspaceId: string;
  numberId: string;
  conversationId: string | null;
  message: InboundMessage;
}

export interface SendRow {
  messageId: string;
  workspaceId: string;
  numberId: string;
  conversationId: string;
  idempotencyKey: string;
  type: OutboundContent['kind'];
  body: string;
  payload: OutboundMessage;
  at: Date;
}

interface NoticeRow {
  id: string;
  workspaceId: string;
  numberId: string;
  conversationId: string;
  /** `notice:<conversation>:<effect id>`, kept as the line's message id: a replay writes it once. */
  key: string;
  text: string;
}

/** The rows one turn writes. Built by `planTurn` (plan-turn.ts), written by `commitTurns`. */
export interface TurnWrites {
  /** The inbound events the turn settles (several when a debounced burst was joined). */
  events: { id: string; status: 'processed' | 'failed'; error: string | null }[];
  /** A conversation this turn opens (its id is chosen here, so later rows can point at it). */
  newConversation?: {
    id: string;
    workspaceId: string;
    numberId: string;
    contactId: string;
    flowId: string;
    flowVersionId: string;
  };
  /** The state to checkpoint, fenced by the lock's token. */
  checkpoint?: { conversationId: string; state: ConversationState; fence: number };
  /** Transcript lines of what the contact sent, in arrival order. */
  inbound: InboundRow[];
  sends: SendRow[];
  /** Transcript lines for the people watching, never sent (the engine's `notice`: an http block's failure). */
  notices: NoticeRow[];
  timers: { conversationId: string; key: string; dueAt: Date; payload: Record<string, unknown> }[];
  cancelTimers: { conversationId: string; key: string; at: Date }[];
  results: {
    workspaceId: string;
    flowId: string;
    flowVersionId: string;
    conversationId: string;
    contactId: string;
    status: 'partial' | 'completed';
    variables: Record<string, unknown>;
    at: Date;
  }[];
  webhookEvents: WebhookEvent[];
  /** `handoffReason`: set by a handoff block this turn (its note for the team, or null). */
  conversationUpdate?: {
    id: string;
    status?: ConversationStatus;
    at: Date;
    handoffReason?: string | null;
    /** Set by a handoff block naming who gets it: `round-robin` or a member's email. */
    assignTo?: string;
  };
  /**
   * What the turn learnt about its contact: attributes a flow saved (typed, merged into theirs),
   * an opt-out (`optOut` set: when and why) or an opt-in (`optOut: null`).
   */
  contactUpdate?: {
    id: string;
    attributes?: Record<string, unknown>;
    optOut?: { at: Date; reason: string } | null;
  };
  /**
   * The number's sender reserved pacing for the replies (OutboxSender.reserve): the commit writes
   * them as `sending`, the first recorded as handed, unless one of the contact's rows is still
   * queued, and answers them for the sender to send at once.
   */
  direct?: boolean;
  /** What analytics counts of the turn (turn-analytics.ts), added up by the same commit. */
  analytics: TurnCounts;
}

export function emptyTurn(): TurnWrites {
  return {
    events: [],
    inbound: [],
    sends: [],
    notices: [],
    timers: [],
    cancelTimers: [],
    results: [],
    webhookEvents: [],
    analytics: emptyCounts(),
  };
}

export function conversationStatus(state: ConversationState): ConversationStatus {
  if (state.status === 'completed') return state.endReason === 'expired' ? 'expired' : 'completed';
  return state.status;
}

/** The transcript line of what a contact sent (its id chosen here; the commit skips a duplicate). */
export function inboundRow(
  workspaceId: string,
  numberId: string,
  conversationId: string | null,
  message: InboundMessage,
): InboundRow {
  return { id: randomUUID(), workspaceId, numberId, conversationId, message };
}
