// Results: one row per run of a flow (completed or partial) with the variables it collected. A
// filtered list, and the same filter as a CSV streamed page by page (any size, flat memory).
import { and, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import { stream } from 'hono/streaming';
import { z } from 'zod/v4';
import { schema } from '@waflow/db';
import type { Deps } from '../../context.ts';
import { afterCursor, encodeCursor, pageOf } from '../../routing/cursor.ts';
import { dateParam } from '../../routing/params.ts';
import { pageQuery, type RouteFn } from '../../routing/route.ts';
import { csvLine } from './csv.ts';

const filters = z.object({
  flowId: z.string().uuid('flowId is a flow’s id').optional(),
  status: z.enum(['partial', 'completed']).optional(),
  from: dateParam('from').optional(),
  to: dateParam('to').optional(),
});

const columns = {
  id: schema.results.id,
  flowId: schema.results.flowId,
  flowName: schema.flows.name,
  conversationId: schema.results.conversationId,
  status: schema.results.status,
  variables: schema.results.variables,
  createdAt: schema.results.createdAt,
  updatedAt: schema.results.updatedAt,
  contact: { waId: schema.contacts.waId, name: schema.contacts.name },
};

function conditions(workspaceId: string, f: z.output<typeof filters>): (SQL | undefined)[] {
  return [
    eq(schema.results.workspaceId, workspaceId),
    f.flowId ? eq(schema.results.flowId, f.flowId) : undefined,
    f.status ? eq(schema.results.status, f.status) : undefined,
    f.from ? gte(schema.results.updatedAt, f.from) : undefined,
    f.to ? lte(schema.results.updatedAt, f.to) : undefined,
  ];
}

export function registerResults(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/results';
  const tag = 'Results';

  const pageOfResults = (
    workspaceId: string,
    f: z.output<typeof filters>,
    limit: number,
    cursor?: string,
  ) =>
    deps.client.db
      .select(columns)
      .from(schema.results)
      .leftJoin(schema.contacts, eq(schema.contacts.id, schema.results.contactId))
      .leftJoin(schema.flows, eq(schema.flows.id, schema.results.flowId))
      .where(
        and(
          ...conditions(workspaceId, f),
          afterCursor(cursor, schema.results.updatedAt, schema.results.id),
        ),
      )
      .orderBy(desc(schema.results.updatedAt), desc(schema.results.id))
      .limit(limit + 1);

  route({
    method: 'get',
    path: base,
    access: 'results.list',
    tag,
    summary: 'List results (one per run, with the variables collected), newest first',
    query: pageQuery.extend(filters.shape),
    handler: async (c, { query }) => {
      const rows = await pageOfResults(c.get('workspaceId'), query, query.limit, query.cursor);
      return c.json(pageOf(rows, query.limit, (r) => ({ at: r.updatedAt, id: r.id })));
    },
  });

  route({
    method: 'get',
    path: `${base}.csv`,
    access: 'results.export',
    tag,
    summary: 'The same results as a CSV file, streamed (one column per variable)',
    query: filters,
    responses: [{ status: 200, description: 'text/csv', contentType: 'text/csv' }],
    handler: async (c, { query }) => {
      const ws = c.get('workspaceId');
      const keys = await deps.client.db
        // `contact` is the engine's built-in variable: it has its own columns.
        .selectDistinct({
          key: sql<string>`jsonb_object_keys(${schema.results.variables} - 'contact')`,
        })
        .from(schema.results)
        .where(and(...conditions(ws, query)));
      const variables = keys.map((k) => k.key).sort();
      const stamp = new Date().toISOString().slice(0, 10);
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="waflow-results-${stamp}.csv"`);
      return stream(c, async (out) => {
        // A BOM so spreadsheet programs read UTF-8 (accents, emoji) correctly.
        await out.write(
          `\uFEFF${csvLine(['result_id', 'status', 'flow', 'contact_phone', 'contact_name', 'started_at', 'updated_at', ...variables])}`,
        );
        let cursor: string | undefined;
        for (;;) {
          const rows = await pageOfResults(ws, query, 500, cursor);
          const batch = rows.slice(0, 500);
          let chunk = '';
          for (const r of batch) {
            chunk += csvLine([
              r.id,
              r.status,
              r.flowName ?? '',
              r.contact?.waId.replace(/@.*$/, '') ?? '',
              r.contact?.name ?? '',
              r.createdAt.toISOString(),
              r.updatedAt.toISOString(),
              ...variables.map((v) => r.variables[v]),
            ]);
          }
          if (chunk) await out.write(chunk);
          const last = batch[batch.length - 1];
          if (rows.length <= 500 || !last || out.aborted) break;
          cursor = encodeCursor(last.updatedAt, last.id);
        }
      });
    },
  });
}
