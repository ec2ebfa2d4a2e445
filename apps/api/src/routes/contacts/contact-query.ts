// What the contacts list, its CSV export and a bulk tagging by filter share: the filter (search by
// name or phone, a tag, an attribute's value, opted out or not) and the columns of a contact.
import { and, eq, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod/v4';
import { schema } from '@waflow/db';

const c = schema.contacts;

export const contactFilter = z.object({
  q: z.string().trim().max(100).optional().describe('Matches the name or the phone'),
  tag: z.string().trim().min(1).max(50).optional().describe('Contacts with this tag'),
  attribute: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'attribute is an attribute’s key, e.g. city')
    .optional()
    .describe('Contacts with a value for this attribute (the value given by `value`)'),
  value: z.string().max(200).optional().describe('The attribute’s value, as text'),
  optedOut: z
    .enum(['true', 'false'], { error: 'optedOut is true or false' })
    .optional()
    .describe('Only opted-out (true) or reachable (false) contacts'),
});
export type ContactFilter = z.output<typeof contactFilter>;

export function contactConditions(workspaceId: string, f: ContactFilter): (SQL | undefined)[] {
  const where: (SQL | undefined)[] = [eq(c.workspaceId, workspaceId)];
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    where.push(or(sql`${c.name} ilike ${like}`, sql`${c.phone} ilike ${like}`));
  }
  if (f.tag) where.push(sql`${c.tags} @> array[${f.tag}]::text[]`);
  if (f.attribute)
    where.push(
      f.value === undefined
        ? sql`${c.attributes} ? ${f.attribute}`
        : sql`${c.attributes}->>${f.attribute} = ${f.value}`,
    );
  if (f.optedOut === 'true') where.push(isNotNull(c.optedOutAt));
  if (f.optedOut === 'false') where.push(isNull(c.optedOutAt));
  return where;
}

export const contactWhere = (workspaceId: string, f: ContactFilter) =>
  and(...contactConditions(workspaceId, f));

export const contactColumns = {
  id: c.id,
  phone: c.phone,
  waId: c.waId,
  name: c.name,
  tags: c.tags,
  attributes: c.attributes,
  optedOutAt: c.optedOutAt,
  optedOutReason: c.optedOutReason,
  firstSeenAt: c.firstSeenAt,
  lastSeenAt: c.lastSeenAt,
  numberId: c.numberId,
  conversations: sql<number>`(select count(*)::int from ${schema.conversations} v where v.contact_id = ${c.id})`,
};
