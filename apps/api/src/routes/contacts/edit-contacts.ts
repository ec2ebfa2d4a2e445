// Editing contacts: one contact's name, tags, attributes (typed by their declaration) or an
// opt-out on their behalf, and tags added to or taken from many contacts at once. Tags must be
// declared; opting back in is the contact's alone (a start keyword), never the team's.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod/v4';
import {
  attributeTypes,
  coerceAttribute,
  declaredTags,
  schema,
  type AttributeType,
} from '@waflow/db';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import { type RouteFn } from '../../routing/route.ts';
import { contactColumns } from './contact-query.ts';
import { MAX_NAME } from './import-row.ts';

const c = schema.contacts;
const tagList = z.array(z.string().trim().min(1).max(50)).max(50, 'at most 50 tags');

const patchBody = z.object({
  name: z.string().trim().max(MAX_NAME).nullable().optional(),
  tags: tagList.optional().describe('The contact’s tags (replaces them)'),
  attributes: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Values by attribute key, merged into the contact’s; null clears one'),
  optedOut: z
    .literal(true, {
      error: 'optedOut can only be true: only the contact opts back in, by writing a start keyword',
    })
    .optional(),
});

const bulkBody = z.object({
  ids: z
    .array(z.string().uuid('ids are contact ids'))
    .min(1, 'pick at least one contact')
    .max(1_000),
  add: tagList.default([]),
  remove: tagList.default([]),
});

/** A text[] literal of parameters (a JS array in drizzle's sql is a list, not an array). */
const textArray = (list: readonly string[]) =>
  sql`array[${sql.join(
    list.map((t) => sql`${t}`),
    sql`, `,
  )}]::text[]`;

async function refuseUndeclared(deps: Deps, ws: string, tags: readonly string[]) {
  if (tags.length === 0) return;
  const declared = await declaredTags(deps.client.db, ws);
  const unknown = tags.find((t) => !declared.has(t));
  if (unknown !== undefined)
    throw new AppError(
      400,
      'UNKNOWN_TAG',
      `"${unknown}" is not a tag of this workspace: declare it first.`,
    );
}

/** Attribute values in their declared types (null clears); an unknown key or a wrong type is refused. */
export function typedAttributeValues(
  types: ReadonlyMap<string, AttributeType>,
  values: Record<string, unknown>,
  field = 'attributes',
): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, raw] of Object.entries(values)) {
    const type = types.get(key);
    if (!type)
      throw new AppError(
        400,
        'UNKNOWN_ATTRIBUTE',
        `${field}.${key}: "${key}" is not a contact attribute of this workspace.`,
      );
    const v = coerceAttribute(type, raw);
    if (!v.ok)
      throw new AppError(400, 'WRONG_ATTRIBUTE_TYPE', `${field}.${key} (${type}): ${v.error}.`);
    out[key] = v.value;
  }
  return out;
}

export function registerEditContacts(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/contacts';
  const tag = 'Contacts';

  route({
    method: 'patch',
    path: `${base}/:id`,
    access: 'contacts.update',
    tag,
    summary: 'Edit a contact: name, tags, attribute values, or opt them out on their behalf',
    body: patchBody,
    handler: async (ctx, { body }) => {
      const ws = ctx.get('workspaceId');
      const id = ctx.req.param('id');
      if (!isUuid(id)) throw notFound('The contact');
      if (body.tags) await refuseUndeclared(deps, ws, body.tags);
      const attributes = body.attributes
        ? typedAttributeValues(await attributeTypes(deps.client.db, ws), body.attributes)
        : undefined;
      const [before] = await deps.client.db
        .select(contactColumns)
        .from(c)
        .where(and(eq(c.id, id), eq(c.workspaceId, ws)));
      if (!before) throw notFound('The contact');
      await deps.client.db
        .update(c)
        .set({
          ...(body.name === undefined ? {} : { name: body.name }),
          ...(body.tags ? { tags: [...new Set(body.tags)].sort() } : {}),
          ...(attributes
            ? {
                attributes: sql`jsonb_strip_nulls(${c.attributes} || ${JSON.stringify(attributes)}::jsonb)`,
              }
            : {}),
          ...(body.optedOut && !before.optedOutAt
            ? { optedOutAt: new Date(), optedOutReason: 'opted out by the team' }
            : {}),
        })
        .where(eq(c.id, id));
      const [after] = await deps.client.db.select(contactColumns).from(c).where(eq(c.id, id));
      await audit(ctx, deps.client.db, {
        action: 'contact.update',
        entityType: 'contact',
        entityId: id,
        before: { name: before.name, tags: before.tags, attributes: before.attributes },
        after: {
          name: after?.name,
          tags: after?.tags,
          attributes: after?.attributes,
          optedOut: Boolean(after?.optedOutAt),
        },
      });
      return ctx.json(after);
    },
  });

  route({
    method: 'post',
    path: `${base}/tag`,
    access: 'contacts.update',
    tag,
    summary: 'Add tags to and remove tags from many contacts at once',
    body: bulkBody,
    handler: async (ctx, { body }) => {
      const ws = ctx.get('workspaceId');
      if (body.add.length + body.remove.length === 0)
        throw new AppError(400, 'NOTHING_TO_TAG', 'Name a tag to add or to remove.');
      await refuseUndeclared(deps, ws, body.add);
      const rows = await deps.client.db
        .update(c)
        .set({
          tags: sql`array(select distinct t from unnest(${c.tags} || ${textArray(body.add)}) t where not (t = any(${textArray(body.remove)})) order by t)`,
        })
        .where(and(eq(c.workspaceId, ws), inArray(c.id, body.ids)))
        .returning({ id: c.id });
      await audit(ctx, deps.client.db, {
        action: 'contacts.tag',
        entityType: 'contact',
        after: { contacts: rows.length, add: body.add, remove: body.remove },
      });
      return ctx.json({ updated: rows.length });
    },
  });
}
