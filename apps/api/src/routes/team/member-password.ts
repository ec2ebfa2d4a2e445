// An owner or admin sets a new password for a member who forgot theirs (and tells them). An
// account is shared by every workspace it belongs to, so the caller must manage each of them: an
// admin here at least as high as the member there; otherwise a reset in one workspace would hand
// over the member's access to another. Every session of the member ends.
import { eq } from 'drizzle-orm';
import { z } from 'zod/v4';
import { schema } from '@waflow/db';
import { audit } from '../../audit.ts';
import { newPassword } from '../../auth/password-policy.ts';
import { passwords } from '../../auth/passwords.ts';
import { roleAtLeast } from '../../auth/permissions.ts';
import { endUserSessions } from '../../auth/sessions.ts';
import type { Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import type { RouteFn } from '../../routing/route.ts';

export function registerMemberPassword(route: RouteFn, deps: Deps): void {
  route({
    method: 'post',
    path: '/api/v1/workspaces/:ws/members/:userId/password',
    access: 'members.resetPassword',
    tag: 'Team',
    summary:
      'Set a new password for a member (not above your role, not for someone in a workspace you do not manage); all their sessions end',
    body: z.object({ password: newPassword }),
    responses: [
      { status: 204, description: 'The password is set and the member signed out everywhere' },
    ],
    handler: async (c, { body }) => {
      const userId = c.req.param('userId');
      if (!isUuid(userId)) throw notFound('The member');
      const db = deps.client.db;
      const theirs = await db
        .select({ workspaceId: schema.memberships.workspaceId, role: schema.memberships.role })
        .from(schema.memberships)
        .where(eq(schema.memberships.userId, userId));
      const here = theirs.find((m) => m.workspaceId === c.get('workspaceId'));
      if (!here) throw notFound('The member');
      if (userId === c.get('userId'))
        throw new AppError(
          403,
          'OWN_PASSWORD',
          'To change your own password use Account → Change password: it asks for your current one.',
        );
      if (!roleAtLeast(c.get('role'), here.role))
        throw new AppError(
          403,
          'FORBIDDEN',
          `Your role (${c.get('role')}) cannot reset the password of an ${here.role}: ask an owner.`,
        );
      const mine = await db
        .select({ workspaceId: schema.memberships.workspaceId, role: schema.memberships.role })
        .from(schema.memberships)
        .where(eq(schema.memberships.userId, c.get('userId')));
      const unmanaged = theirs.filter((t) => {
        const my = mine.find((m) => m.workspaceId === t.workspaceId);
        return !my || !roleAtLeast(my.role, 'admin') || !roleAtLeast(my.role, t.role);
      });
      if (unmanaged.length > 0) {
        throw new AppError(
          403,
          'MEMBER_ELSEWHERE',
          'This person also belongs to a workspace you do not manage, so you cannot set their password: they can change it themselves (Account → Change password), or an owner of every workspace they are in can reset it.',
        );
      }
      await db
        .update(schema.users)
        .set({ passwordHash: await passwords.hash(body.password) })
        .where(eq(schema.users.id, userId));
      await endUserSessions(db, userId);
      await audit(c, db, {
        action: 'member.password.reset',
        entityType: 'member',
        entityId: userId,
      });
      return c.body(null, 204);
    },
  });
}
