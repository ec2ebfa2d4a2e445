// GET …/flows: the workspace's flows, most recently changed first, a page at a time.
import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod/v4';
import { schema } from '@waflow/db';
import type { Deps } from '../../context.ts';
import { pageQuery, type RouteFn } from '../../routing/route.ts';
import { afterCursor, pageOf } from '../../routing/cursor.ts';
import { base, flowSummary, tag } from './schema.ts';

export function registerListFlows(route: RouteFn, deps: Deps): void {
  route({
    method: 'get',
    path: base,
    access: 'flows.list',
    tag,
    summary: 'List flows, most recently changed first',
    query: pageQuery,
    responses: [
      {
        status: 200,
        description: 'A page of flows',
        schema: z.object({ items: z.array(flowSummary), nextCursor: z.string().nullable() }),
      },
    ],
    handler: async (c, { query }) => {
      const rows = await deps.client.db
        .select({
          id: schema.flows.id,
          name: schema.flows.name,
          revision: schema.flows.draftRevision,
          publishedVersionId: schema.flows.publishedVersionId,
          updatedAt: schema.flows.updatedAt,
        })
        .from(schema.flows)
        .where(
          and(
            eq(schema.flows.workspaceId, c.get('workspaceId')),
            isNull(schema.flows.deletedAt),
            afterCursor(query.cursor, schema.flows.updatedAt, schema.flows.id),
          ),
        )
        .orderBy(desc(schema.flows.updatedAt), desc(schema.flows.id))
        .limit(query.limit + 1);
      return c.json(pageOf(rows, query.limit, (r) => ({ at: r.updatedAt, id: r.id })));
    },
  });
}
