// What a workspace declares for its contacts: custom attributes (key, label, type) and tags.
// Taking one back takes it off every contact too, in the same transaction.
import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod/v4';
import { schema } from '@waflow/db';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { type RouteFn } from '../../routing/route.ts';
import { RESERVED_TARGETS } from './import-row.ts';

const a = schema.contactAttributes;
const t = schema.contactTags;

const attributeBody = z.object({
  key: z
    .string()
    .regex(
      /^[a-z][a-z0-9_]{0,39}$/,
      'key is lower-case letters, digits and _, starting with a letter (e.g. city)',
    )
    .refine((k) => !(RESERVED_TARGETS as readonly string[]).includes(k), {
      message: 'phone, name, tags and opted_out are the contact’s own: pick another key',
    }),
  label: z.string().trim().min(1, 'give it a label').max(60),
  type: z.enum(['text', 'number', 'date', 'boolean'], {
    error: 'type is text, number, date or boolean',
  }),
});
const tagBody = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'give the tag a name')
    .max(50)
    .refine((n) => !/[;|,]/.test(n), 'a tag cannot hold ; | or , (they separate tags in a CSV)'),
});

export function registerDeclared(route: RouteFn, deps: Deps): void {
  const ws = '/api/v1/workspaces/:ws';
  const tag = 'Contacts';

  route({
    method: 'get',
    path: `${ws}/contact-attributes`,
    access: 'contacts.list',
    tag,
    summary: 'The contact attributes the workspace declares (key, label, type)',
    handler: async (c) =>
      c.json({
        items: await deps.client.db
          .select({ key: a.key, label: a.label, type: a.type })
          .from(a)
          .where(eq(a.workspaceId, c.get('workspaceId')))
          .orderBy(asc(a.key)),
      }),
  });

  route({
    method: 'post',
    path: `${ws}/contact-attributes`,
    access: 'contacts.declare',
    tag,
    summary: 'Declare a contact attribute: flows read it as {{contact.<key>}} and may save to it',
    body: attributeBody,
    handler: async (c, { body }) => {
      const [row] = await deps.client.db
        .insert(a)
        .values({ workspaceId: c.get('workspaceId'), ...body })
        .onConflictDoNothing()
        .returning({ key: a.key, label: a.label, type: a.type });
      if (!row)
        throw new AppError(409, 'ATTRIBUTE_EXISTS', `There is already an attribute "${body.key}".`);
      await audit(c, deps.client.db, {
        action: 'contact_attribute.create',
        entityType: 'contact_attribute',
        entityId: row.key,
        after: row,
      });
      return c.json(row, 201);
    },
  });

  route({
    method: 'delete',
    path: `${ws}/contact-attributes/:key`,
    access: 'contacts.declare',
    tag,
    summary: 'Take back a contact attribute, and its values from every contact',
    handler: async (c) => {
      const key = c.req.param('key') ?? '';
      const workspaceId = c.get('workspaceId');
      const gone = await deps.client.db.transaction(async (tx) => {
        const [row] = await tx
          .delete(a)
          .where(and(eq(a.workspaceId, workspaceId), eq(a.key, key)))
          .returning({ key: a.key });
        if (row)
          await tx
            .update(schema.contacts)
            .set({ attributes: sql`${schema.contacts.attributes} - ${key}::text` })
            .where(
              and(
                eq(schema.contacts.workspaceId, workspaceId),
                sql`${schema.contacts.attributes} ? ${key}`,
              ),
            );
        return row;
      });
      if (!gone) throw notFound('The attribute');
      await audit(c, deps.client.db, {
        action: 'contact_attribute.delete',
        entityType: 'contact_attribute',
        entityId: key,
      });
      return c.json({ key });
    },
  });

  route({
    method: 'get',
    path: `${ws}/contact-tags`,
    access: 'contacts.list',
    tag,
    summary: 'The tags the workspace declares, with how many contacts carry each',
    handler: async (c) =>
      c.json({
        items: await deps.client.db
          .select({
            name: t.name,
            contacts: sql<number>`(select count(*)::int from ${schema.contacts} ct where ct.workspace_id = ${t.workspaceId} and ct.tags @> array[${t.name}])`,
          })
          .from(t)
          .where(eq(t.workspaceId, c.get('workspaceId')))
          .orderBy(asc(t.name)),
      }),
  });

  route({
    method: 'post',
    path: `${ws}/contact-tags`,
    access: 'contacts.declare',
    tag,
    summary: 'Declare a tag (imports and edits may use only declared tags)',
    body: tagBody,
    handler: async (c, { body }) => {
      const [row] = await deps.client.db
        .insert(t)
        .values({ workspaceId: c.get('workspaceId'), name: body.name })
        .onConflictDoNothing()
        .returning({ name: t.name });
      if (!row) throw new AppError(409, 'TAG_EXISTS', `There is already a tag "${body.name}".`);
      await audit(c, deps.client.db, {
        action: 'contact_tag.create',
        entityType: 'contact_tag',
        entityId: row.name,
      });
      return c.json(row, 201);
    },
  });

  route({
    method: 'delete',
    path: `${ws}/contact-tags/:name`,
    access: 'contacts.declare',
    tag,
    summary: 'Take back a tag, and take it off every contact',
    handler: async (c) => {
      const name = c.req.param('name') ?? '';
      const workspaceId = c.get('workspaceId');
      const gone = await deps.client.db.transaction(async (tx) => {
        const [row] = await tx
          .delete(t)
          .where(and(eq(t.workspaceId, workspaceId), eq(t.name, name)))
          .returning({ name: t.name });
        if (row)
          await tx
            .update(schema.contacts)
            .set({ tags: sql`array_remove(${schema.contacts.tags}, ${name}::text)` })
            .where(
              and(
                eq(schema.contacts.workspaceId, workspaceId),
                sql`${schema.contacts.tags} @> array[${name}]::text[]`,
              ),
            );
        return row;
      });
      if (!gone) throw notFound('The tag');
      await audit(c, deps.client.db, {
        action: 'contact_tag.delete',
        entityType: 'contact_tag',
        entityId: name,
      });
      return c.json({ name });
    },
  });
}
