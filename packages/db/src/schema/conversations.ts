// The runtime's data path: conversations with their fenced checkpoints, messages,
// inbound events (persisted first), the outbox, durable timers, and collected results.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, ts } from './columns.ts';
import { contacts } from './contacts.ts';
import { flowVersions, flows } from './flows.ts';
import { numbers } from './numbers.ts';
import { users, workspaces } from './workspaces.ts';

export const conversationStatusEnum = pgEnum('conversation_status', [
  'active',
  'waiting',
  'handoff',
  'completed',
  'expired',
]);
export const messageDirectionEnum = pgEnum('message_direction', ['in', 'out']);
export const messageStatusEnum = pgEnum('message_status', [
  'pending',
  'sent',
  'delivered',
  'read',
  'failed',
]);
export const inboundStatusEnum = pgEnum('inbound_status', [
  'pending',
  'processing',
  'processed',
  'failed',
]);
export const outboxStatusEnum = pgEnum('outbox_status', ['queued', 'sending', 'sent', 'failed']);
export const resultStatusEnum = pgEnum('result_status', ['partial', 'completed']);

export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    numberId: uuid('number_id')
      .notNull()
      .references(() => numbers.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    flowId: uuid('flow_id').references(() => flows.id, { onDelete: 'set null' }),
    flowVersionId: uuid('flow_version_id').references(() => flowVersions.id, {
      onDelete: 'set null',
    }),
    status: conversationStatusEnum('status').notNull().default('active'),
    handoffUntil: ts('handoff_until'),
    /** Why the flow passed the conversation to a person (its handoff block's note), while in handoff. */
    handoffReason: text('handoff_reason'),
    /** The member handling the conversation in the inbox (null: unassigned). */
    assignedTo: uuid('assigned_to').references(() => users.id, { onDelete: 'set null' }),
    lastActivityAt: ts('last_activity_at').notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    index('conversations_workspace_idx').on(t.workspaceId, t.lastActivityAt.desc(), t.id),
    index('conversations_contact_idx').on(t.contactId, t.createdAt.desc()),
    index('conversations_number_idx').on(t.numberId, t.lastActivityAt.desc(), t.id),
    // At most one open conversation per contact and number (a stale lock holder cannot open a second).
    uniqueIndex('conversations_open_key')
      .on(t.numberId, t.contactId)
      .where(sql`${t.status} <> 'completed' and ${t.status} <> 'expired'`),
  ],
);

export const conversationCheckpoints = pgTable('conversation_checkpoints', {
  conversationId: uuid('conversation_id')
    .primaryKey()
    .references(() => conversations.id, { onDelete: 'cascade' }),
  state: jsonb('state').notNull(),
  /** The lock's fencing token at the write; a write with an older token is refused. */
  fence: bigint('fence', { mode: 'number' }).notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const messages = pgTable(
  'messages',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    numberId: uuid('number_id')
      .notNull()
      .references(() => numbers.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').references(() => conversations.id, {
      onDelete: 'cascade',
    }),
    direction: messageDirectionEnum('direction').notNull(),
    /** Insertion order: a turn's messages share one transaction time, the transcript needs this. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    waMessageId: text('wa_message_id'),
    type: text('type').notNull(),
    body: text('body'),
    mediaRef: text('media_ref'),
    status: messageStatusEnum('status').notNull().default('pending'),
    error: text('error'),
    /** Who wrote an outbound message: the bot, an agent in the web app, or an integrator. */
    author: text('author').notNull().default('bot'),
    /** The member who wrote an agent's reply or an internal note (author `note`). */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    sentAt: ts('sent_at'),
    deliveredAt: ts('delivered_at'),
    readAt: ts('read_at'),
  },
  (t) => [
    uniqueIndex('messages_number_wa_key').on(t.numberId, t.waMessageId),
    index('messages_conversation_idx').on(t.conversationId, t.seq),
  ],
);

export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: id(),
    numberId: uuid('number_id')
      .notNull()
      .references(() => numbers.id, { onDelete: 'cascade' }),
    waMessageId: text('wa_message_id').notNull(),
    /** Arrival order: events of one contact are handled in this order. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    /** The contact the event belongs to (its WhatsApp id): the unit of ordering and locking. */
    fromWaId: text('from_wa_id').notNull(),
    /** message | timer | http_response | handoff_released | api_start */
    kind: text('kind').notNull().default('message'),
    payload: jsonb('payload').notNull(),
    status: inboundStatusEnum('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    receivedAt: createdAt(),
    processedAt: ts('processed_at'),
  },
  (t) => [
    uniqueIndex('inbound_events_number_wa_key').on(t.numberId, t.waMessageId),
    index('inbound_events_pending_idx')
      .on(t.numberId, t.fromWaId, t.seq)
      .where(sql`${t.status} in ('pending', 'processing')`),
    // The contact's last message (the Cloud API's 24-hour window is read before a send).
    index('inbound_events_last_message_idx')
      .on(t.numberId, t.fromWaId, t.receivedAt.desc())
      .where(sql`${t.kind} = 'message'`),
  ],
);

export const outbox = pgTable(
  'outbox',
  {
    id: id(),
    numberId: uuid('number_id')
      .notNull()
      .references(() => numbers.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').references(() => conversations.id, {
      onDelete: 'cascade',
    }),
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'set null' }),
    /** `<conversation>:<effect id>`: the same effect never makes two rows. */
    idempotencyKey: text('idempotency_key').notNull(),
    /** Creation order: replies of one turn go out in the order the flow said them. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    payload: jsonb('payload').notNull(),
    status: outboxStatusEnum('status').notNull().default('queued'),
    priority: integer('priority').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    providerMessageId: text('provider_message_id'),
    error: text('error'),
    createdAt: createdAt(),
    /**
     * When the sender handed the row to the channel. A `sending` row without it was claimed but
     * never handed over (safe to send after a crash); with it, it may have gone out (never resent).
     */
    handedAt: ts('handed_at'),
    /**
     * Set when a restart found the row handed but not recorded as sent, on a channel that can
     * look a message up (Channel.findHanded): queued again, it is looked up before it is sent.
     */
    interruptedAt: ts('interrupted_at'),
    sentAt: ts('sent_at'),
  },
  (t) => [
    uniqueIndex('outbox_idempotency_key').on(t.idempotencyKey),
    index('outbox_due_idx')
      .on(t.numberId, t.priority.desc(), t.seq)
      .where(sql`${t.status} = 'queued'`),
    index('outbox_sending_idx')
      .on(t.numberId)
      .where(sql`${t.status} = 'sending'`),
  ],
);

export const timers = pgTable(
  'timers',
  {
    id: id(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** The engine's timer id (an effect id): unique within the conversation. */
    key: text('key').notNull(),
    dueAt: ts('due_at').notNull(),
    payload: jsonb('payload').notNull().default({}),
    firedAt: ts('fired_at'),
    cancelledAt: ts('cancelled_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('timers_conversation_key').on(t.conversationId, t.key),
    index('timers_due_idx')
      .on(t.dueAt)
      .where(sql`${t.firedAt} is null and ${t.cancelledAt} is null`),
  ],
);

export const results = pgTable(
  'results',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    flowId: uuid('flow_id').references(() => flows.id, { onDelete: 'set null' }),
    flowVersionId: uuid('flow_version_id').references(() => flowVersions.id, {
      onDelete: 'set null',
    }),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    status: resultStatusEnum('status').notNull().default('partial'),
    variables: jsonb('variables').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('results_conversation_key').on(t.conversationId),
    index('results_workspace_idx').on(t.workspaceId, t.updatedAt.desc(), t.id),
    index('results_flow_idx').on(t.flowId, t.updatedAt.desc(), t.id),
  ],
);
