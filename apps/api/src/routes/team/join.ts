// The public side of an invite link: what it is for, and accepting it. An email that already has
// an account joins with that account's password, checked through the sign-in guard (the same
// throttle as sign-in: an invite link is no way around it); reading the link never says whether
// the account exists (the page asks for a name and a password either way).
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod/v4';
import { addMember, createUser, schema, type Database } from '@waflow/db';
import { audit } from '../../audit.ts';
import { newPassword } from '../../auth/password-policy.ts';
import { passwords } from '../../auth/passwords.ts';
import type { SignInGuard } from '../../auth/sign-in-guard.ts';
import type { Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { forgetMembership } from '../../middleware/auth.ts';
import type { RouteFn } from '../../routing/route.ts';
import { startSession } from '../auth/auth.ts';
import { hashToken } from './invites.ts';

const acceptBody = z.object({
  name: z.string().trim().min(1, 'enter your name').max(100).optional(),
  password: z.string().min(1, 'enter a password').max(200),
});

async function loadInvite(db: Database, token: string) {
  const [row] = await db
    .select({ invite: schema.invites, workspaceName: schema.workspaces.name })
    .from(schema.invites)
    .innerJoin(schema.workspaces, eq(schema.workspaces.id, schema.invites.workspaceId))
    .where(
      and(
        eq(schema.invites.tokenHash, hashToken(token)),
        isNull(schema.invites.acceptedAt),
        isNull(schema.invites.revokedAt),
        gt(schema.invites.expiresAt, new Date()),
      ),
    );
  if (!row)
    throw new AppError(
      404,
      'INVITE_NOT_FOUND',
      'This invite link is unknown, used, revoked or expired: ask for a new one.',
    );
  return row;
}

export function registerJoin(route: RouteFn, deps: Deps, guard: SignInGuard): void {
  const tag = 'Team';

  route({
    method: 'get',
    path: '/api/v1/invites/:token',
    access: 'public',
    tag,
    summary:
      'What an invite link is for: the workspace, the email and the role (never whether the email already has an account)',
    handler: async (c) => {
      const { invite, workspaceName } = await loadInvite(
        deps.client.db,
        c.req.param('token') ?? '',
      );
      return c.json({
        workspaceName,
        email: invite.email,
        role: invite.role,
        expiresAt: invite.expiresAt,
      });
    },
  });

  route({
    method: 'post',
    path: '/api/v1/invites/:token/accept',
    access: 'public',
    tag,
    summary:
      'Accept an invite: a new account (name + password), or the existing account’s password (throttled like sign-in); signed in',
    body: acceptBody,
    handler: async (c, { body }) => {
      const token = c.req.param('token') ?? '';
      const { invite } = await loadInvite(deps.client.db, token);
      const [existing] = await deps.client.db
        .select({ id: schema.users.id })
        .from(schema.users)
        .where(sql`lower(${schema.users.email}) = ${invite.email.toLowerCase()}`);
      let account: { id: string } | { name: string; passwordHash: string };
      if (existing) {
        const user = await guard.check(
          c,
          invite.email,
          body.password,
          () =>
            new AppError(
              401,
              'BAD_CREDENTIALS',
              `${invite.email} already has an account: enter its password to join.`,
            ),
        );
        account = { id: user.id };
      } else {
        if (!body.name)
          throw new AppError(400, 'INVALID_REQUEST', 'name: enter your name', [
            { field: 'name', message: 'enter your name' },
          ]);
        z.object({ password: newPassword }).parse({ password: body.password });
        account = { name: body.name, passwordHash: await passwords.hash(body.password) };
      }
      const userId = await deps.client.db.transaction(async (tx) => {
        // Claimed first: of two accepts of the same link at once, only one finds it unused.
        const [claimed] = await tx
          .update(schema.invites)
          .set({ acceptedAt: new Date() })
          .where(
            and(
              eq(schema.invites.id, invite.id),
              isNull(schema.invites.acceptedAt),
              isNull(schema.invites.revokedAt),
            ),
          )
          .returning({ id: schema.invites.id });
        if (!claimed)
          throw new AppError(
            404,
            'INVITE_NOT_FOUND',
            'This invite link was used or revoked a moment ago: ask for a new one.',
          );
        const id =
          'id' in account
            ? account.id
            : (await createUser(tx, { email: invite.email, ...account })).id;
        const [member] = await tx
          .select({ role: schema.memberships.role })
          .from(schema.memberships)
          .where(
            and(
              eq(schema.memberships.workspaceId, invite.workspaceId),
              eq(schema.memberships.userId, id),
            ),
          );
        if (member)
          throw new AppError(
            409,
            'ALREADY_MEMBER',
            'You are already a member of this workspace: sign in.',
          );
        await addMember(tx, invite.workspaceId, id, invite.role);
        forgetMembership(invite.workspaceId, id);
        c.set('userId', id);
        await audit(
          c,
          tx,
          {
            action: 'invite.accept',
            entityType: 'member',
            entityId: id,
            after: { email: invite.email, role: invite.role },
          },
          invite.workspaceId,
        );
        return id;
      });
      return startSession(c, deps, userId, 201);
    },
  });
}
