// GET and PATCH …/workspaces/:ws: the workspace and its settings, read and changed.
import { eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { type RouteFn } from '../../routing/route.ts';
import { tag, workspaceBody, ws } from './schema.ts';

export function registerWorkspace(route: RouteFn, deps: Deps): void {
  route({
    method: 'get',
    path: ws,
    access: 'workspace.get',
    tag,
    summary: 'Read the workspace and its settings',
    handler: async (c) => {
      const [row] = await deps.client.db
        .select()
        .from(schema.workspaces)
        .where(eq(schema.workspaces.id, c.get('workspaceId')));
      return c.json({ ...row, role: c.get('role') });
    },
  });

  route({
    method: 'patch',
    path: ws,
    access: 'workspace.update',
    tag,
    summary: 'Rename the workspace or change its settings',
    body: workspaceBody,
    handler: async (c, { body }) => {
      const [before] = await deps.client.db
        .select()
        .from(schema.workspaces)
        .where(eq(schema.workspaces.id, c.get('workspaceId')));
      if (!before) throw notFound('The workspace');
      const settings = { ...before.settings, ...(body.settings ?? {}) };
      const [after] = await deps.client.db
        .update(schema.workspaces)
        .set({ ...(body.name ? { name: body.name } : {}), settings })
        .where(eq(schema.workspaces.id, before.id))
        .returning();
      await audit(c, deps.client.db, {
        action: 'workspace.update',
        entityType: 'workspace',
        entityId: before.id,
        before: { name: before.name, settings: before.settings },
        after: { name: after?.name, settings },
      });
      return c.json(after);
    },
  });
}
