// The audit log: who changed what, filtered by actor, entity and time, newest first.
import { and, desc, eq, gte, lte } from 'drizzle-orm';
import { z } from 'zod/v4';
import { schema } from '@waflow/db';
import type { Deps } from '../../context.ts';
import { afterCursor, pageOf } from '../../routing/cursor.ts';
import { dateParam } from '../../routing/params.ts';
import { pageQuery, type RouteFn } from '../../routing/route.ts';

const auditQuery = pageQuery.extend({
  actor: z.string().uuid('actor is a user id').optional(),
  entity: z
    .string()
    .max(40)
    .optional()
    .describe(
      'Entity type: flow, number, member, invite, webhook, api_key, conversation, workspace',
    ),
  entityId: z.string().max(100).optional(),
  from: dateParam('from').optional(),
  to: dateParam('to').optional(),
});

export function registerAudit(route: RouteFn, deps: Deps): void {
  route({
    method: 'get',
    path: '/api/v1/workspaces/:ws/audit',
    access: 'audit.list',
    tag: 'Audit',
    summary: 'The audit log: every change with its actor, before and after, newest first',
    query: auditQuery,
    handler: async (c, { query }) => {
      const a = schema.auditLog;
      const rows = await deps.client.db
        .select({
          id: a.id,
          at: a.at,
          action: a.action,
          entityType: a.entityType,
          entityId: a.entityId,
          before: a.before,
          after: a.after,
          requestId: a.requestId,
          actorApiKeyId: a.actorApiKeyId,
          actor: { id: schema.users.id, name: schema.users.name, email: schema.users.email },
        })
        .from(a)
        .leftJoin(schema.users, eq(schema.users.id, a.actorUserId))
        .where(
          and(
            eq(a.workspaceId, c.get('workspaceId')),
            query.actor ? eq(a.actorUserId, query.actor) : undefined,
            query.entity ? eq(a.entityType, query.entity) : undefined,
            query.entityId ? eq(a.entityId, query.entityId) : undefined,
            query.from ? gte(a.at, query.from) : undefined,
            query.to ? lte(a.at, query.to) : undefined,
            afterCursor(query.cursor, a.at, a.id),
          ),
        )
        .orderBy(desc(a.at), desc(a.id))
        .limit(query.limit + 1);
      return c.json(pageOf(rows, query.limit, (r) => ({ at: r.at, id: r.id })));
    },
  });
}
