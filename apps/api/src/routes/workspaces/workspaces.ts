// The caller's workspaces: list them with the caller's role in each, and create another one (an
// agency runs one per client). A signed-in person's token reaches every workspace they are a
// member of, each with the role they hold there (middleware/auth.ts checks it per request).
import { sql } from 'drizzle-orm';
import { addMember, createWorkspace, listWorkspacesOf } from '@waflow/db';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { page, type RouteFn } from '../../routing/route.ts';
import { createWorkspaceBody, workspaceItem } from './schema.ts';

const sameName = (a: string, b: string) => a.toLocaleLowerCase() === b.toLocaleLowerCase();

export function registerWorkspaces(route: RouteFn, deps: Deps): void {
  const tag = 'Workspaces';

  route({
    method: 'get',
    path: '/api/v1/workspaces',
    access: 'user',
    tag,
    summary: 'The workspaces you are a member of, with your role in each (in the order you joined)',
    // Not paged: a person belongs to a handful of workspaces and the switcher shows them all.
    responses: [
      { status: 200, description: 'Every workspace of the caller', schema: page(workspaceItem) },
    ],
    handler: async (c) =>
      c.json({ items: await listWorkspacesOf(deps.client.db, c.get('userId')), nextCursor: null }),
  });

  route({
    method: 'post',
    path: '/api/v1/workspaces',
    access: 'user',
    tag,
    summary:
      'Create another workspace, of which you become the owner (409 when you already have one by that name)',
    body: createWorkspaceBody,
    responses: [{ status: 201, description: 'The new workspace', schema: workspaceItem }],
    handler: async (c, { body }) => {
      const userId = c.get('userId');
      const created = await deps.client.db.transaction(async (tx) => {
        // One creation at a time per person, so two clicks cannot make two workspaces of one name.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`workspaces:${userId}`}))`);
        // Two of one name in a switcher cannot be told apart; another member's names do not count.
        if ((await listWorkspacesOf(tx, userId)).some((w) => sameName(w.name, body.name)))
          throw new AppError(
            409,
            'WORKSPACE_NAME_TAKEN',
            `You already have a workspace named "${body.name}": choose another name (e.g. add the client's city).`,
          );
        const ws = await createWorkspace(tx, body.name);
        await addMember(tx, ws.id, userId, 'owner');
        await audit(
          c,
          tx,
          {
            action: 'workspace.create',
            entityType: 'workspace',
            entityId: ws.id,
            after: { name: ws.name },
          },
          ws.id,
        );
        return ws;
      });
      return c.json({ id: created.id, name: created.name, role: 'owner' }, 201);
    },
  });
}
