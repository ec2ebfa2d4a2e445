// Sign in, refresh, sign out, and who am I. Passwords are argon2id hashes; failed sign-ins are
// rate-limited per account and per IP (in memory: one API process; see the README).
import { verify } from '@node-rs/argon2';
import { eq, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod/v4';
import { schema } from '@waflow/db';
import { ACCESS_TTL_S, issueAccessToken, issueRefreshToken, REFRESH_TTL_MS, revokeRefreshToken, rotateRefreshToken } from '../../auth/tokens.ts';
import type { AppEnv, Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { servedOverHttps } from '../../middleware/transport-security.ts';
import type { RouteFn } from '../../routing/route.ts';

const REFRESH_COOKIE = 'waflow_refresh';
const loginBody = z.object({ email: z.string().trim().min(1, 'enter your email'), password: z.string().min(1, 'enter your password') });

/** Failed attempts per key in a sliding window. */
class LoginLimiter {
  private hits = new Map<string, number[]>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}
  retryAfter(key: string, now: number): number {
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    this.hits.set(key, recent);
    return recent.length >= this.max ? Math.ceil(((recent[0] ?? now) + this.windowMs - now) / 1000) : 0;
  }
  fail(key: string, now: number): void {
    this.hits.set(key, [...(this.hits.get(key) ?? []), now]);
  }
  clear(key: string): void {
    this.hits.delete(key);
  }
}

export async function profile(deps: Deps, userId: string) {
  const [user] = await deps.client.db.select({ id: schema.users.id, email: schema.users.email, name: schema.users.name }).from(schema.users).where(eq(schema.users.id, userId));
  if (!user) throw new AppError(401, 'UNAUTHENTICATED', 'Your account no longer exists.');
  const workspaces = await deps.client.db
    .select({ id: schema.workspaces.id, name: schema.workspaces.name, role: schema.memberships.role })
    .from(schema.memberships)
    .innerJoin(schema.workspaces, eq(schema.workspaces.id, schema.memberships.workspaceId))
    .where(eq(schema.memberships.userId, userId));
  return { user, workspaces };
}

export async function startSession(c: Context<AppEnv>, deps: Deps, userId: string, status: 200 | 201 = 200) {
  const refresh = await issueRefreshToken(deps.client.db, userId);
  setCookie(c, REFRESH_COOKIE, refresh, { httpOnly: true, sameSite: 'Strict', secure: servedOverHttps(c, deps), path: '/api/v1/auth', maxAge: REFRESH_TTL_MS / 1000 });
  return c.json({ accessToken: await issueAccessToken(deps.keyring, userId), expiresIn: ACCESS_TTL_S, ...(await profile(deps, userId)) }, status);
}

export function registerAuth(route: RouteFn, deps: Deps): void {
  const perAccount = new LoginLimiter(5, 15 * 60_000);
  const perIp = new LoginLimiter(30, 15 * 60_000);
  const tag = 'Auth';
  const setRefresh = (c: Context<AppEnv>, token: string) =>
    setCookie(c, REFRESH_COOKIE, token, { httpOnly: true, sameSite: 'Strict', secure: servedOverHttps(c, deps), path: '/api/v1/auth', maxAge: REFRESH_TTL_MS / 1000 });

  route({
    method: 'post',
    path: '/api/v1/auth/login',
    access: 'public',
    tag,
    summary: 'Sign in: an access token, and a rotating refresh token in an httpOnly cookie (429 with Retry-After after repeated failures)',
    body: loginBody,
    handler: async (c, { body }) => {
      const email = body.email.toLowerCase();
      const ip = c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || 'local';
      const now = Date.now();
      const wait = Math.max(perAccount.retryAfter(email, now), perIp.retryAfter(ip, now));
      if (wait > 0) {
        c.header('Retry-After', String(wait));
        throw new AppError(429, 'TOO_MANY_ATTEMPTS', `Too many failed sign-ins: try again in ${Math.ceil(wait / 60)} minute(s).`);
      }
      const [user] = await deps.client.db.select().from(schema.users).where(sql`lower(${schema.users.email}) = ${email}`);
      const ok = user && !user.disabled ? await verify(user.passwordHash, body.password).catch(() => false) : false;
      if (!user || !ok) {
        perAccount.fail(email, now);
        perIp.fail(ip, now);
        throw new AppError(401, 'BAD_CREDENTIALS', 'That email and password do not match an account.');
      }
      perAccount.clear(email);
      return startSession(c, deps, user.id);
    },
  });

  route({
    method: 'post',
    path: '/api/v1/auth/refresh',
    access: 'public',
    tag,
    summary: 'A new access token from the refresh cookie (the refresh token rotates; an old one presented again more than 30 s after it was swapped revokes the session)',
    handler: async (c) => {
      const token = getCookie(c, REFRESH_COOKIE);
      if (!token) throw new AppError(401, 'UNAUTHENTICATED', 'No session: sign in.');
      const rotated = await rotateRefreshToken(deps.client.db, token);
      setRefresh(c, rotated.token);
      return c.json({ accessToken: await issueAccessToken(deps.keyring, rotated.userId), expiresIn: ACCESS_TTL_S });
    },
  });

  route({
    method: 'post',
    path: '/api/v1/auth/logout',
    access: 'public',
    tag,
    summary: 'Sign out: revokes the refresh token',
    responses: [{ status: 204, description: 'Signed out' }],
    handler: async (c) => {
      const token = getCookie(c, REFRESH_COOKIE);
      if (token) await revokeRefreshToken(deps.client.db, token);
      deleteCookie(c, REFRESH_COOKIE, { path: '/api/v1/auth' });
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
