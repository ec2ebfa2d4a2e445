// The live team inbox: the workspace's event log (what the web app's event stream replays), each
// member's read marker per conversation, and the workspace's saved replies.
import { bigint, index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, ts } from './columns.ts';
import { conversations } from './conversations.ts';
import { users, workspaces } from './workspaces.ts';

/**
 * One row per change the inbox shows (a message in or out, a delivery status, a conversation's
 * status or assignee, a number's status), written by triggers in the transaction of the change
 * (migration 0015), so every writer — the runtime's commit, the sender's acks, the API — records
 * it. `seq` counts per workspace without gaps and in commit order (the counter row below is locked
 * until the writer commits), so a reader that saw `seq` N has seen every event before it.
 * Rows carry ids only: the stream reads the message or conversation as it is now.
 */
export const workspaceEvents = pgTable(
  'workspace_events',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    /** message | message_status | conversation | number */
    kind: text('kind').notNull(),
    conversationId: uuid('conversation_id'),
    messageId: uuid('message_id'),
    numberId: uuid('number_id'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.seq] }),
    index('workspace_events_at_idx').on(t.at),
  ],
);

/** The last `seq` given out per workspace (locked by each writer until it commits). */
export const workspaceEventCounters = pgTable('workspace_event_counters', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
});

/** When a member last read a conversation: messages from the contact after it are unread. */
export const conversationReads = pgTable(
  'conversation_reads',
  {
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    readAt: ts('read_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.userId] })],
);

/** A workspace's canned answers for agents; `{{contact.name}}` is filled in when used. */
export const savedReplies = pgTable(
  'saved_replies',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    text: text('text').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('saved_replies_workspace_idx').on(t.workspaceId, t.title)],
);
