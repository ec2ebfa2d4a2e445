// WhatsApp numbers, their live status and runtime lease, and their encrypted session archives.
import { sql } from 'drizzle-orm';
import {
  customType,
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
import { flowVersions, flows } from './flows.ts';
import { workspaces } from './workspaces.ts';

export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

export const numberStatusEnum = pgEnum('number_status', [
  'new',
  'qr',
  'authenticated',
  'ready',
  'disconnected',
  'logged_out',
]);
export const channelKindEnum = pgEnum('channel_kind', [
  'whatsapp',
  'sandbox',
  'cloud_api',
  'twilio',
]);

export const numbers = pgTable(
  'numbers',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    channel: channelKindEnum('channel').notNull().default('whatsapp'),
    phone: text('phone'),
    status: numberStatusEnum('status').notNull().default('new'),
    qr: text('qr'),
    qrUpdatedAt: ts('qr_updated_at'),
    lastError: text('last_error'),
    restartCount: integer('restart_count').notNull().default(0),
    heartbeatAt: ts('heartbeat_at'),
    flowId: uuid('flow_id').references(() => flows.id, { onDelete: 'set null' }),
    /** Simulator numbers run a draft snapshot instead of the flow's published version. */
    pinnedVersionId: uuid('pinned_version_id').references(() => flowVersions.id, {
      onDelete: 'set null',
    }),
    leaseHolder: text('lease_holder'),
    leaseExpiresAt: ts('lease_expires_at'),
    createdAt: createdAt(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    index('numbers_workspace_idx')
      .on(t.workspaceId, t.createdAt.desc(), t.id)
      .where(sql`${t.deletedAt} is null`),
    index('numbers_lease_idx')
      .on(t.leaseExpiresAt)
      .where(sql`${t.deletedAt} is null`),
  ],
);

export const sessionStore = pgTable(
  'session_store',
  {
    numberId: uuid('number_id')
      .notNull()
      .references(() => numbers.id, { onDelete: 'cascade' }),
    archive: bytea('archive').notNull(),
    keyId: text('key_id').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('session_store_number_key').on(t.numberId)],
);

/**
 * The provider account an official-channel number (WhatsApp Cloud API, Twilio) sends and receives
 * through: public settings in clear (phone number id, WABA id; account SID, sender), the secrets
 * (access token, app secret, webhook verify token; auth token) sealed with the keyring.
 */
export const channelAccounts = pgTable('channel_accounts', {
  numberId: uuid('number_id')
    .primaryKey()
    .references(() => numbers.id, { onDelete: 'cascade' }),
  settings: jsonb('settings').$type<Record<string, string>>().notNull().default({}),
  secrets: bytea('secrets').notNull(),
  keyId: text('key_id').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
