// Flows and their versions: a draft being edited, and immutable published versions.
import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { createdAt, id, ts } from './columns.ts';
import { users, workspaces } from './workspaces.ts';

export const flowVersionStatusEnum = pgEnum('flow_version_status', [
  'draft',
  'published',
  'archived',
]);

export const flows = pgTable(
  'flows',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    draft: jsonb('draft').$type<Record<string, unknown>>().notNull(),
    /** Grows with every draft save: the ETag for optimistic concurrency. */
    draftRevision: integer('draft_revision').notNull().default(1),
    publishedVersionId: uuid('published_version_id').references(
      (): AnyPgColumn => flowVersions.id,
      { onDelete: 'set null' },
    ),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    index('flows_workspace_idx')
      .on(t.workspaceId, t.createdAt.desc(), t.id)
      .where(sql`${t.deletedAt} is null`),
  ],
);

export const flowVersions = pgTable(
  'flow_versions',
  {
    id: id(),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    status: flowVersionStatusEnum('status').notNull().default('published'),
    checksum: text('checksum').notNull(),
    changelog: text('changelog').notNull().default(''),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    publishedAt: ts('published_at'),
    createdAt: createdAt(),
  },
  // Published and archived versions are numbered 1, 2, 3…; draft snapshots (the simulator's) are 0.
  (t) => [
    uniqueIndex('flow_versions_flow_version_key')
      .on(t.flowId, t.version)
      .where(sql`${t.status} <> 'draft'`),
  ],
);
