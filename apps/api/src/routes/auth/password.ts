// One's own account: change the password (the current one is checked through the sign-in guard,
// so a stolen access token cannot guess it quickly; every other session ends), and sign out of
// every session at once.
import { eq } from 'drizzle-orm';
import { deleteCookie } from 'hono/cookie';
import { z } from 'zod/v4';
import { schema } from '@waflow/db';
import { newPassword } from '../../auth/password-policy.ts';
import { passwords } from '../../auth/passwords.ts';
import { endUserSessions } from '../../auth/sessions.ts';
import type { SignInGuard } from '../../auth/sign-in-guard.ts';
import type { Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { RouteFn } from '../../routing/route.ts';
import { profile, REFRESH_COOKIE, REFRESH_COOKIE_PATH } from './auth.ts';

const changeBody = z.object({
  currentPassword: z.string().min(1, 'enter your current password'),
  newPassword,
});

export function registerOwnAccount(route: RouteFn, deps: Deps, guard: SignInGuard): void {
  const tag = 'Auth';

  route({
    method: 'post',
    path: '/api/v1/auth/password',
    access: 'user',
    tag,
    summary:
      'Change your password: needs the current one (throttled like sign-in); your other sessions end, this one stays',
    body: changeBody,
    responses: [{ status: 204, description: 'Changed' }],
    handler: async (c, { body }) => {
      const { user } = await profile(deps, c.get('userId'));
      await guard.check(
        c,
        user.email,
        body.currentPassword,
        () =>
          new AppError(
            403,
            'WRONG_PASSWORD',
            'Your current password is not right: enter it again.',
          ),
      );
      if (body.newPassword === body.currentPassword)
        throw new AppError(
          400,
          'INVALID_REQUEST',
          'newPassword: choose a password other than your current one',
          [{ field: 'newPassword', message: 'choose a password other than your current one' }],
        );
      await deps.client.db
        .update(schema.users)
        .set({ passwordHash: await passwords.hash(body.newPassword) })
        .where(eq(schema.users.id, user.id));
      await endUserSessions(deps.client.db, user.id, c.get('sessionId'));
      return c.body(null, 204);
    },
  });

  route({
    method: 'post',
    path: '/api/v1/auth/logout-all',
    access: 'user',
    tag,
    summary: 'Sign out of every session, on every device, this one included',
    responses: [{ status: 204, description: 'Signed out everywhere' }],
    handler: async (c) => {
      await endUserSessions(deps.client.db, c.get('userId'));
      deleteCookie(c, REFRESH_COOKIE, { path: REFRESH_COOKIE_PATH });
      return c.body(null, 204);
    },
  });
}
