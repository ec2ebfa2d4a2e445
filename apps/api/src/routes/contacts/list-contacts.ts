// The contacts of a workspace: a page of them (newest first, filtered), one contact, and the same
// filter as a CSV streamed page by page (columns an import reads back: phone, name, tags, opted_out,
// then one per attribute key).
import { and, asc, desc, eq } from 'drizzle-orm';
import { stream } from 'hono/streaming';
import { schema } from '@waflow/db';
import type { Deps } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import { afterCursor, encodeCursor, pageOf } from '../../routing/cursor.ts';
import { pageQuery, type RouteFn } from '../../routing/route.ts';
import { csvLine } from '../results/csv.ts';
import {
  contactColumns,
  contactConditions,
  contactFilter,
  type ContactFilter,
} from './contact-query.ts';

const c = schema.contacts;

export function registerListContacts(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/contacts';
  const tag = 'Contacts';

  const page = (ws: string, f: ContactFilter, limit: number, cursor: string | undefined) =>
    deps.client.db
      .select(contactColumns)
      .from(c)
      .where(and(...contactConditions(ws, f), afterCursor(cursor, c.firstSeenAt, c.id)))
      .orderBy(desc(c.firstSeenAt), desc(c.id))
      .limit(limit + 1);

  route({
    method: 'get',
    path: base,
    access: 'contacts.list',
    tag,
    summary:
      'List contacts, newest first: search by name or phone, filter by tag, attribute value or opt-out',
    query: pageQuery.extend(contactFilter.shape),
    handler: async (ctx, { query }) => {
      const rows = await page(ctx.get('workspaceId'), query, query.limit, query.cursor);
      return ctx.json(pageOf(rows, query.limit, (r) => ({ at: r.firstSeenAt, id: r.id })));
    },
  });

  route({
    method: 'get',
    path: `${base}.csv`,
    access: 'contacts.export',
    tag,
    summary: 'The same contacts as a CSV file, streamed (the columns an import reads back)',
    query: contactFilter,
    responses: [{ status: 200, description: 'text/csv', contentType: 'text/csv' }],
    handler: async (ctx, { query }) => {
      const ws = ctx.get('workspaceId');
      const keys = (
        await deps.client.db
          .select({ key: schema.contactAttributes.key })
          .from(schema.contactAttributes)
          .where(eq(schema.contactAttributes.workspaceId, ws))
          .orderBy(asc(schema.contactAttributes.key))
      ).map((k) => k.key);
      const stamp = new Date().toISOString().slice(0, 10);
      ctx.header('Content-Type', 'text/csv; charset=utf-8');
      ctx.header('Content-Disposition', `attachment; filename="waflow-contacts-${stamp}.csv"`);
      return stream(ctx, async (out) => {
        // A BOM so spreadsheet programs read UTF-8 (accents, emoji) correctly.
        await out.write(
          `\uFEFF${csvLine(['phone', 'name', 'tags', 'opted_out', ...keys, 'opted_out_at', 'opted_out_reason', 'first_seen_at', 'last_seen_at', 'conversations'])}`,
        );
        let cursor: string | undefined;
        for (;;) {
          const rows = await page(ws, query, 500, cursor);
          const batch = rows.slice(0, 500);
          let chunk = '';
          for (const r of batch)
            chunk += csvLine([
              r.phone ?? r.waId,
              r.name ?? '',
              r.tags.join('; '),
              r.optedOutAt ? 'yes' : 'no',
              ...keys.map((k) => r.attributes[k]),
              r.optedOutAt?.toISOString() ?? '',
              r.optedOutReason ?? '',
              r.firstSeenAt.toISOString(),
              r.lastSeenAt?.toISOString() ?? '',
              r.conversations,
            ]);
          if (chunk) await out.write(chunk);
          const last = batch[batch.length - 1];
          if (rows.length <= 500 || !last || out.aborted) break;
          cursor = encodeCursor(last.firstSeenAt, last.id);
        }
      });
    },
  });

  route({
    method: 'get',
    path: `${base}/:id`,
    access: 'contacts.get',
    tag,
    summary:
      'One contact: phone, name, tags, attributes, opt-out, first and last seen, conversations',
    handler: async (ctx) => {
      const id = ctx.req.param('id');
      const [row] = isUuid(id)
        ? await deps.client.db
            .select(contactColumns)
            .from(c)
            .where(and(eq(c.id, id), eq(c.workspaceId, ctx.get('workspaceId'))))
        : [];
      if (!row) throw notFound('The contact');
      return ctx.json(row);
    },
  });
}
