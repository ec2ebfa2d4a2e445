// …/members: the members and their roles, a role changed, a member removed. Nobody can hand out
// a role above their own, and a workspace always keeps at least one owner.
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod/v4';
import { schema, type Database } from '@waflow/db';
import { audit } from '../../audit.ts';
import { roleAtLeast } from '../../auth/permissions.ts';
import type { Deps, Role } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { forgetMembership, isUuid } from '../../middleware/auth.ts';
import { type RouteFn } from '../../routing/route.ts';
import { role, tag, ws } from './schema.ts';

export function refuseAbove(caller: Role, wanted: Role): void {
  if (!roleAtLeast(caller, wanted))
    throw new AppError(
      403,
      'FORBIDDEN',
      `Your role (${caller}) cannot grant the ${wanted} role: ask an owner.`,
    );
}

async function ownerCount(db: Database, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(schema.memberships)
    .where(
      and(eq(schema.memberships.workspaceId, workspaceId), eq(schema.memberships.role, 'owner')),
    );
  return row?.n ?? 0;
}

export function registerMembers(route: RouteFn, deps: Deps): void {
  route({
    method: 'get',
    path: `${ws}/members`,
    access: 'members.list',
    tag,
    summary: 'List the members and their roles',
    handler: async (c) => {
      const rows = await deps.client.db
        .select({
          userId: schema.users.id,
          name: schema.users.name,
          email: schema.users.email,
          role: schema.memberships.role,
          joinedAt: schema.memberships.createdAt,
        })
        .from(schema.memberships)
        .innerJoin(schema.users, eq(schema.users.id, schema.memberships.userId))
        .where(eq(schema.memberships.workspaceId, c.get('workspaceId')))
        .orderBy(schema.memberships.createdAt);
      return c.json({ items: rows, nextCursor: null });
    },
  });

  async function loadMember(workspaceId: string, userId: string | undefined) {
    if (!isUuid(userId)) throw notFound('The member');
    const [m] = await deps.client.db
      .select()
      .from(schema.memberships)
      .where(
        and(eq(schema.memberships.workspaceId, workspaceId), eq(schema.memberships.userId, userId)),
      );
    if (!m) throw notFound('The member');
    return m;
  }

  route({
    method: 'patch',
    path: `${ws}/members/:userId`,
    access: 'members.update',
    tag,
    summary: 'Change a member’s role (never above your own; the last owner stays owner)',
    body: z.object({ role }),
    handler: async (c, { body }) => {
      const m = await loadMember(c.get('workspaceId'), c.req.param('userId'));
      refuseAbove(c.get('role'), body.role);
      refuseAbove(c.get('role'), m.role);
      await deps.client.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${m.workspaceId}))`);
        if (
          m.role === 'owner' &&
          body.role !== 'owner' &&
          (await ownerCount(tx, m.workspaceId)) <= 1
        ) {
          throw new AppError(
            409,
            'LAST_OWNER',
            'This is the workspace’s only owner: make someone else owner first.',
          );
        }
        await tx
          .update(schema.memberships)
          .set({ role: body.role })
          .where(
            and(
              eq(schema.memberships.workspaceId, m.workspaceId),
              eq(schema.memberships.userId, m.userId),
            ),
          );
        await audit(c, tx, {
          action: 'member.role',
          entityType: 'member',
          entityId: m.userId,
          before: { role: m.role },
          after: { role: body.role },
        });
      });
      forgetMembership(m.workspaceId, m.userId);
      return c.json({ userId: m.userId, role: body.role });
    },
  });

  route({
    method: 'delete',
    path: `${ws}/members/:userId`,
    access: 'members.remove',
    tag,
    summary: 'Remove a member from the workspace (the last owner cannot be removed)',
    responses: [{ status: 204, description: 'Removed' }],
    handler: async (c) => {
      const m = await loadMember(c.get('workspaceId'), c.req.param('userId'));
      refuseAbove(c.get('role'), m.role);
      await deps.client.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${m.workspaceId}))`);
        if (m.role === 'owner' && (await ownerCount(tx, m.workspaceId)) <= 1)
          throw new AppError(
            409,
            'LAST_OWNER',
            'This is the workspace’s only owner: make someone else owner first.',
          );
        await tx
          .delete(schema.memberships)
          .where(
            and(
              eq(schema.memberships.workspaceId, m.workspaceId),
              eq(schema.memberships.userId, m.userId),
            ),
          );
        await audit(c, tx, {
          action: 'member.remove',
          entityType: 'member',
          entityId: m.userId,
          before: { role: m.role },
        });
      });
      forgetMembership(m.workspaceId, m.userId);
      return c.body(null, 204);
    },
  });
}
