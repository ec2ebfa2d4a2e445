// Contacts, one per person per workspace (across its numbers): their phone, tags, typed custom
// attributes and opt-out state, and the workspace's declared attributes and tags.
import { sql } from 'drizzle-orm';
import { index, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, ts } from './columns.ts';
import { numbers } from './numbers.ts';
import { workspaces } from './workspaces.ts';

export const contactAttributeTypeEnum = pgEnum('contact_attribute_type', [
  'text',
  'number',
  'date',
  'boolean',
]);

export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** The number the contact first wrote to (null: imported, or that number was removed). */
    numberId: uuid('number_id').references(() => numbers.id, { onDelete: 'set null' }),
    waId: text('wa_id').notNull(),
    /** E.164: '+' then digits. */
    phone: text('phone'),
    name: text('name'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Values by declared attribute key (contact_attributes), each of the attribute's type. */
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    optedOutAt: ts('opted_out_at'),
    optedOutReason: text('opted_out_reason'),
    firstSeenAt: createdAt(),
    lastSeenAt: ts('last_seen_at'),
  },
  (t) => [
    uniqueIndex('contacts_workspace_wa_key').on(t.workspaceId, t.waId),
    index('contacts_workspace_idx').on(t.workspaceId, t.firstSeenAt.desc(), t.id),
    index('contacts_tags_idx').using('gin', t.tags),
  ],
);

/** The custom attributes a workspace declares for its contacts (flows read and write them). */
export const contactAttributes = pgTable(
  'contact_attributes',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: contactAttributeTypeEnum('type').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('contact_attributes_workspace_key').on(t.workspaceId, t.key)],
);

/** The tags a workspace declares (an import naming another tag is refused for that row). */
export const contactTags = pgTable(
  'contact_tags',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('contact_tags_workspace_name_key').on(t.workspaceId, t.name)],
);
