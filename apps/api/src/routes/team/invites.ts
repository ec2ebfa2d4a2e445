// …/invites: invites by link with a role, listed, created (the link shown once) and revoked;
// what the link opens is join.ts.
import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import { type RouteFn } from '../../routing/route.ts';
import { refuseAbove } from './members.ts';
import { inviteBody, tag, ws } from './schema.ts';

const INVITE_TTL_MS = 7 * 24 * 3600_000;

export const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');
export function registerInvites(route: RouteFn, deps: Deps): void {
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
