// Campaigns: one message or a flow start sent to an audience, paced per number. Recipients are
// materialized when the campaign starts (one row each), and each one is queued into the outbox
// (or the inbound queue, for a flow) in the same transaction that claims it.
import { sql } from 'drizzle-orm';
import { CAMPAIGN_STATUSES, RECIPIENT_STATUSES } from '@waflow/campaign';
import {
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
import { messages } from './conversations.ts';
import { numbers } from './numbers.ts';
import { users, workspaces } from './workspaces.ts';

export const campaignStatusEnum = pgEnum('campaign_status', CAMPAIGN_STATUSES);
export const campaignRecipientStatusEnum = pgEnum('campaign_recipient_status', RECIPIENT_STATUSES);

export const campaigns = pgTable(
  'campaigns',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    status: campaignStatusEnum('status').notNull().default('draft'),
    /** @waflow/campaign Audience */
    audience: jsonb('audience').notNull(),
    /** @waflow/campaign Content */
    content: jsonb('content').notNull(),
    /** @waflow/campaign Settings: pacing, busy policy, stop rule */
    settings: jsonb('settings').notNull(),
    /** IANA zone the schedule and the send window are read in (the workspace's at creation). */
    timeZone: text('time_zone').notNull().default('UTC'),
    scheduledAt: ts('scheduled_at'),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    /** Why it paused itself (the stop rule), shown until it is resumed. */
    pausedReason: text('paused_reason'),
    total: integer('total').notNull().default(0),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('campaigns_workspace_idx').on(t.workspaceId, t.createdAt.desc(), t.id),
    index('campaigns_active_idx')
      .on(t.status)
      .where(sql`${t.status} in ('scheduled', 'running')`),
  ],
);

export const campaignNumbers = pgTable(
  'campaign_numbers',
  {
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    numberId: uuid('number_id')
      .notNull()
      .references(() => numbers.id, { onDelete: 'cascade' }),
    /** The pacer: this number sends its next campaign message at or after this instant. */
    nextSendAt: ts('next_send_at').notNull().defaultNow(),
    /** Local date (campaign time zone) of `sentToday`, for the daily cap. */
    day: text('day'),
    sentToday: integer('sent_today').notNull().default(0),
  },
  (t) => [uniqueIndex('campaign_numbers_key').on(t.campaignId, t.numberId)],
);

export const campaignRecipients = pgTable(
  'campaign_recipients',
  {
    id: id(),
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    numberId: uuid('number_id')
      .notNull()
      .references(() => numbers.id, { onDelete: 'cascade' }),
    waId: text('wa_id').notNull(),
    /** Materialization order: recipients are sent in this order. */
    position: integer('position').notNull(),
    status: campaignRecipientStatusEnum('status').notNull().default('queued'),
    /** Why it failed or was skipped (opted out, in a conversation, invalid), in words. */
    reason: text('reason'),
    /** A recipient waiting for their conversation to end is looked at again from this instant. */
    notBefore: ts('not_before'),
    /** When it was handed to the outbox (or the inbound queue, for a flow): never again. */
    queuedAt: ts('queued_at'),
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'set null' }),
    /** The inbound event that starts the flow (`campaign:<recipient id>`), for a flow campaign. */
    eventId: text('event_id'),
    conversationId: uuid('conversation_id'),
    sentAt: ts('sent_at'),
    deliveredAt: ts('delivered_at'),
    readAt: ts('read_at'),
    repliedAt: ts('replied_at'),
    failedAt: ts('failed_at'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('campaign_recipients_contact_key').on(t.campaignId, t.contactId),
    index('campaign_recipients_due_idx')
      .on(t.campaignId, t.numberId, t.position)
      .where(sql`${t.status} = 'queued' and ${t.queuedAt} is null`),
    index('campaign_recipients_list_idx').on(t.campaignId, t.status, t.position),
    index('campaign_recipients_message_idx')
      .on(t.messageId)
      .where(sql`${t.messageId} is not null`),
  ],
);
