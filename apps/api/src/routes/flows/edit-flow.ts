// PATCH …/flows/:id renames a flow; DELETE …/flows/:id deletes it (its numbers stop answering).
import { and, eq, isNull } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import type { RouteFn } from '../../routing/route.ts';
import { loadFlow } from './load-flow.ts';
import { base, renameBody, tag } from './schema.ts';

export function registerEditFlow(route: RouteFn, deps: Deps): void {
  route({
    method: 'patch',
    path: `${base}/:id`,
    access: 'flows.rename',
    tag,
    summary: 'Rename a flow',
    body: renameBody,
    handler: async (c, { body }) => {
      const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
      await deps.client.db
        .update(schema.flows)
        .set({ name: body.name, updatedAt: new Date() })
        .where(eq(schema.flows.id, flow.id));
      await audit(c, deps.client.db, {
        action: 'flow.rename',
        entityType: 'flow',
        entityId: flow.id,
        before: { name: flow.name },
        after: { name: body.name },
      });
      return c.json({ id: flow.id, name: body.name });
    },
  });

  route({
    method: 'delete',
    path: `${base}/:id`,
    access: 'flows.delete',
    tag,
    summary: 'Delete a flow (numbers bound to it stop answering until given another flow)',
    handler: async (c) => {
      const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
      await deps.client.db.transaction(async (tx) => {
        await tx
          .update(schema.flows)
          .set({ deletedAt: new Date() })
          .where(eq(schema.flows.id, flow.id));
        await tx
          .update(schema.numbers)
          .set({ flowId: null })
          .where(and(eq(schema.numbers.flowId, flow.id), isNull(schema.numbers.pinnedVersionId)));
        await audit(c, tx, {
          action: 'flow.delete',
          entityType: 'flow',
          entityId: flow.id,
          before: { name: flow.name },
        });
      });
      return c.body(null, 204);
    },
  });
}
