// Sign in, refresh, sign out, and who am I. Passwords are checked through the sign-in guard
// (auth/sign-in-guard.ts: throttled per account and per client address); each sign-in is a
// session that sign-out ends at once for its access tokens too (auth/sessions.ts).
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod/v4';
import { listWorkspacesOf, schema } from '@waflow/db';
import type { SignInGuard } from '../../auth/sign-in-guard.ts';
import {
  ACCESS_TTL_S,
  issueAccessToken,
  issueRefreshToken,
  REFRESH_TTL_MS,
  revokeRefreshToken,
  rotateRefreshToken,
} from '../../auth/tokens.ts';
import type { AppEnv, Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { servedOverHttps } from '../../middleware/transport-security.ts';
import type { RouteFn } from '../../routing/route.ts';

export const REFRESH_COOKIE = 'waflow_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';
const loginBody = z.object({
  email: z.string().trim().min(1, 'enter your email'),
  password: z.string().min(1, 'enter your password'),
});

export async function profile(deps: Deps, userId: string) {
  const [user] = await deps.client.db
    .select({ id: schema.users.id, email: schema.users.email, name: schema.users.name })
    .from(schema.users)
    .where(eq(schema.users.id, userId));
  if (!user) throw new AppError(401, 'UNAUTHENTICATED', 'Your account no longer exists.');
  const workspaces = await listWorkspacesOf(deps.client.db, userId);
  return { user, workspaces };
}

const setRefresh = (c: Context<AppEnv>, deps: Deps, token: string) =>
  setCookie(c, REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: servedOverHttps(c, deps),
    path: REFRESH_COOKIE_PATH,
    maxAge: REFRESH_TTL_MS / 1000,
  });

export async function startSession(
  c: Context<AppEnv>,
  deps: Deps,
  userId: string,
  status: 200 | 201 = 200,
) {
  const refresh = await issueRefreshToken(deps.client.db, userId);
  setRefresh(c, deps, refresh.token);
  return c.json(
    {
      accessToken: await issueAccessToken(deps.keyring, userId, refresh.family),
      expiresIn: ACCESS_TTL_S,
      ...(await profile(deps, userId)),
    },
    status,
  );
}

export function registerAuth(route: RouteFn, deps: Deps, guard: SignInGuard): void {
  const tag = 'Auth';

  route({
    method: 'post',
    path: '/api/v1/auth/login',
    access: 'public',
    tag,
    summary:
      'Sign in: an access token, and a rotating refresh token in an httpOnly cookie (429 with Retry-After after repeated failures)',
    body: loginBody,
    handler: async (c, { body }) => {
      const user = await guard.check(
        c,
        body.email,
        body.password,
        () =>
          new AppError(401, 'BAD_CREDENTIALS', 'That email and password do not match an account.'),
      );
      return startSession(c, deps, user.id);
    },
  });

  route({
    method: 'post',
    path: '/api/v1/auth/refresh',
    access: 'public',
    tag,
    summary:
      'A new access token from the refresh cookie (the refresh token rotates; the same old one within 30 s gets the same successor, later it ends the session; a disabled account is refused)',
    handler: async (c) => {
      const token = getCookie(c, REFRESH_COOKIE);
      if (!token) throw new AppError(401, 'UNAUTHENTICATED', 'No session: sign in.');
      const rotated = await rotateRefreshToken(deps.client.db, deps.keyring, token);
      setRefresh(c, deps, rotated.token);
      return c.json({
        accessToken: await issueAccessToken(deps.keyring, rotated.userId, rotated.family),
        expiresIn: ACCESS_TTL_S,
      });
    },
  });

  route({
    method: 'post',
    path: '/api/v1/auth/logout',
    access: 'public',
    tag,
    summary:
      'Sign out: ends this session (its refresh token and its access tokens stop working at once)',
    responses: [{ status: 204, description: 'Signed out' }],
    handler: async (c) => {
      const token = getCookie(c, REFRESH_COOKIE);
      if (token) await revokeRefreshToken(deps.client.db, token);
      deleteCookie(c, REFRESH_COOKIE, { path: REFRESH_COOKIE_PATH });
      return c.body(null, 204);
    },
  });

  route({
    method: 'get',
    path: '/api/v1/me',
    access: 'user',
    tag,
    summary: 'Who am I: the user and their workspaces with roles',
    handler: async (c) => c.json(await profile(deps, c.get('userId'))),
  });
}
