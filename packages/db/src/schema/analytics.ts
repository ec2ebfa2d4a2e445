// Analytics, kept as counts per hour (never a row per message): what the turns' own commits add
// up — per flow version × block × hour for the canvas, per flow × number × hour for the Overview.
// A `metric` names what is counted and `key` tells its instances apart (the block an edge leads
// to, a time bucket): one upsert writes every kind. No contact is named, so erasing one leaves
// the counts; the retention period deletes hours older than it (see repos/retention.ts).
import {
  bigint,
  date,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { flows, flowVersions } from './flows.ts';
import { workspaces } from './workspaces.ts';

const hour = () => timestamp('hour', { withTimezone: true, mode: 'date' }).notNull();
const count = () => bigint('count', { mode: 'number' }).notNull();

/**
 * Per block of a flow version and hour. Metrics: `entered` (key ''), `left` (key: the block it
 * led to, '' when the path ended), `invalid` answers, `http_failed` calls, `time` spent before
 * leaving (key: the bucket's upper bound in ms, see @waflow/db analytics-buckets).
 */
export const analyticsBlockHours = pgTable(
  'analytics_block_hours',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    flowVersionId: uuid('flow_version_id')
      .notNull()
      .references(() => flowVersions.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    hour: hour(),
    metric: text('metric').notNull(),
    key: text('key').notNull().default(''),
    count: count(),
  },
  (t) => [
    uniqueIndex('analytics_block_hours_key').on(t.flowVersionId, t.hour, t.nodeId, t.metric, t.key),
  ],
);

/**
 * Per flow (null: a message no flow took) × number × hour. Metrics: `messages_in`,
 * `messages_out`, `started`, `completed`, `abandoned` (expired or stopped), `handoffs`,
 * `failed_sends` (counted by the transaction that fails a reply),
 * `reply_ms` (key: bucket upper bound, the time from a message's arrival to the bot's reply queued).
 */
export const analyticsHours = pgTable(
  'analytics_hours',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    flowId: uuid('flow_id').references(() => flows.id, { onDelete: 'cascade' }),
    numberId: uuid('number_id').notNull(),
    hour: hour(),
    metric: text('metric').notNull(),
    key: text('key').notNull().default(''),
    count: count(),
  },
  (t) => [
    unique('analytics_hours_key')
      .on(t.workspaceId, t.hour, t.flowId, t.numberId, t.metric, t.key)
      .nullsNotDistinct(),
  ],
);

/** The hour columns of a day's row in analytics_days: h00 counts the hour from 00:00 UTC, … */
export const DAY_HOURS = Array.from({ length: 24 }, (_, h) => `h${String(h).padStart(2, '0')}`);

/**
 * analytics_hours rolled up per UTC day, the day's 24 hours as columns (same flow × number ×
 * metric × key): what the Overview reads, 24 times fewer rows than the hours. Written by the same
 * statements that add to the hours (turn-counts.ts), so both always agree; a day's hours in
 * columns let any whole-hour time zone cut its days out of them.
 */
export const analyticsDays = pgTable(
  'analytics_days',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    flowId: uuid('flow_id').references(() => flows.id, { onDelete: 'cascade' }),
    numberId: uuid('number_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    metric: text('metric').notNull(),
    key: text('key').notNull().default(''),
    ...Object.fromEntries(
      DAY_HOURS.map((c) => [c, bigint(c, { mode: 'number' }).notNull().default(0)]),
    ),
  },
  (t) => [
    unique('analytics_days_key')
      .on(t.workspaceId, t.day, t.flowId, t.numberId, t.metric, t.key)
      .nullsNotDistinct(),
  ],
);
