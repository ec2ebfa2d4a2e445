// The workspace and its team: settings, members and their roles, invites by link (what the link
// opens is join.ts). Nobody can hand out a role above their own, and a workspace always keeps at
// least one owner.
import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod/v4';
import { schema, type Database } from '@waflow/db';
import { isTimeZone } from '@waflow/flow';
import { audit } from '../../audit.ts';
import { roleAtLeast } from '../../auth/permissions.ts';
import type { Deps, Role } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { forgetMembership, isUuid } from '../../middleware/auth.ts';
import { type RouteFn } from '../../routing/route.ts';
import { workspaceName } from '../workspaces/schema.ts';

const INVITE_TTL_MS = 7 * 24 * 3600_000;
const role = z.enum(['owner', 'admin', 'editor', 'viewer'], {
  error: 'role is one of owner, admin, editor, viewer',
});

const keywords = z
  .array(z.string().trim().min(1, 'a keyword cannot be empty').max(50))
  .min(1, 'keep at least one keyword')
  .max(30, 'at most 30 keywords');

const workspaceBody = z.object({
  name: workspaceName.optional(),
  settings: z
    .object({
      /** Minutes the bot stays quiet in a conversation after a person replied from the phone. */
      humanReplyPauseMinutes: z
        .number()
        .int()
        .min(0)
        .max(7 * 24 * 60, 'at most a week (10080 minutes)')
        .optional(),
      timezone: z
        .string()
        .max(64)
        .refine(isTimeZone, 'timezone is a time zone name like Europe/Madrid (IANA)')
        .optional(),
      /** Days conversations, their messages and results are kept after their last activity (null: kept until deleted). */
      retentionDays: z
        .number()
        .int('a whole number of days')
        .min(1, 'at least 1 day')
        .max(3650, 'at most 3650 days (10 years)')
        .nullable()
        .optional(),
      /** Words that opt a contact out (default STOP, BAJA, SAIR, UNSUBSCRIBE, CANCELAR). */
      optOutKeywords: keywords.optional(),
      /** Words with which a contact opts back in (default START, ALTA, VOLTAR). */
      startKeywords: keywords.optional(),
    })
    .optional(),
});
const inviteBody = z.object({
  email: z.string().trim().email('enter a valid email address').max(200),
  role,
});

export const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');

function refuseAbove(caller: Role, wanted: Role): void {
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

export function registerTeam(route: RouteFn, deps: Deps): void {
  const ws = '/api/v1/workspaces/:ws';
  const tag = 'Team';

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

  route({
    method: 'get',
    path: `${ws}/invites`,
    access: 'invites.list',
    tag,
    summary: 'List pending invites',
    handler: async (c) => {
      const rows = await deps.client.db
        .select({
          id: schema.invites.id,
          email: schema.invites.email,
          role: schema.invites.role,
          expiresAt: schema.invites.expiresAt,
          createdAt: schema.invites.createdAt,
        })
        .from(schema.invites)
        .where(
          and(
            eq(schema.invites.workspaceId, c.get('workspaceId')),
            isNull(schema.invites.acceptedAt),
            isNull(schema.invites.revokedAt),
            gt(schema.invites.expiresAt, new Date()),
          ),
        )
        .orderBy(desc(schema.invites.createdAt));
      return c.json({ items: rows, nextCursor: null });
    },
  });

  route({
    method: 'post',
    path: `${ws}/invites`,
    access: 'invites.create',
    tag,
    summary: 'Invite someone by link with a role (the link is shown once; it expires in 7 days)',
    body: inviteBody,
    handler: async (c, { body }) => {
      refuseAbove(c.get('role'), body.role);
      const [already] = await deps.client.db
        .select({ id: schema.users.id })
        .from(schema.memberships)
        .innerJoin(schema.users, eq(schema.users.id, schema.memberships.userId))
        .where(
          and(
            eq(schema.memberships.workspaceId, c.get('workspaceId')),
            sql`lower(${schema.users.email}) = ${body.email.toLowerCase()}`,
          ),
        );
      if (already)
        throw new AppError(
          409,
          'ALREADY_MEMBER',
          `${body.email} is already a member: change their role instead.`,
        );
      const token = randomBytes(24).toString('base64url');
      const [row] = await deps.client.db
        .insert(schema.invites)
        .values({
          workspaceId: c.get('workspaceId'),
          email: body.email,
          role: body.role,
          tokenHash: hashToken(token),
          invitedBy: c.get('userId'),
          expiresAt: new Date(Date.now() + INVITE_TTL_MS),
        })
        .returning({
          id: schema.invites.id,
          email: schema.invites.email,
          role: schema.invites.role,
          expiresAt: schema.invites.expiresAt,
        });
      await audit(c, deps.client.db, {
        action: 'invite.create',
        entityType: 'invite',
        entityId: row?.id,
        after: { email: body.email, role: body.role },
      });
      const origin = deps.webOrigin ?? new URL(c.req.url).origin;
      return c.json({ ...row, token, inviteUrl: `${origin}/invite/${token}` }, 201);
    },
  });

  route({
    method: 'delete',
    path: `${ws}/invites/:id`,
    access: 'invites.revoke',
    tag,
    summary: 'Revoke a pending invite',
    responses: [{ status: 204, description: 'Revoked' }],
    handler: async (c) => {
      const id = c.req.param('id');
      if (!isUuid(id)) throw notFound('The invite');
      const [row] = await deps.client.db
        .update(schema.invites)
        .set({ revokedAt: new Date() })
        .where(
          and(
            eq(schema.invites.id, id),
            eq(schema.invites.workspaceId, c.get('workspaceId')),
            isNull(schema.invites.acceptedAt),
            isNull(schema.invites.revokedAt),
          ),
        )
        .returning({ email: schema.invites.email });
      if (!row) throw notFound('The invite');
      await audit(c, deps.client.db, {
        action: 'invite.revoke',
        entityType: 'invite',
        entityId: id,
        before: { email: row.email },
      });
      return c.body(null, 204);
    },
  });
}
