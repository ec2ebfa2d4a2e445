// Who is calling: `requireUser` checks the bearer access token and that its session is still open
// (auth/sessions.ts: sign-out, disabling and a replayed refresh token end access at once);
// `requireRole(permission)` checks
// the caller's role in the workspace of the URL against the permission table. A workspace the
// caller is not a member of answers 404, never revealing that it exists.
import { and, eq } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { schema } from '@waflow/db';
import { allows, type Permission } from '../auth/permissions.ts';
import { sessionOpen } from '../auth/sessions.ts';
import { verifyAccessToken } from '../auth/tokens.ts';
import type { AppEnv, Deps, Role } from '../context.ts';
import { AppError, notFound } from '../errors.ts';

export function requireUser(deps: Deps): MiddlewareHandler<AppEnv> {
  return async function requireUserMiddleware(c, next) {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    if (!token)
      throw new AppError(
        401,
        'UNAUTHENTICATED',
        'Sign in first: this needs an Authorization: Bearer <access token> header.',
      );
    const { userId, sessionId } = await verifyAccessToken(deps.keyring, token);
    if (!(await sessionOpen(deps.client.db, sessionId, userId)))
      throw new AppError(401, 'UNAUTHENTICATED', 'Your session has ended: sign in again.');
    c.set('userId', userId);
    c.set('sessionId', sessionId);
    await next();
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Memberships read in the last 2 s, per process: the hottest query of the API. A role change or
 * removal made through this process drops its entry at once; other API processes see it within
 * the TTL.
 */
const MEMBERSHIP_TTL_MS = 2_000;
const memberships = new Map<string, { role: Role | null; at: number }>();

export function forgetMembership(workspaceId: string, userId: string): void {
  memberships.delete(`${userId}:${workspaceId}`);
}

async function roleIn(deps: Deps, workspaceId: string, userId: string): Promise<Role | null> {
  const key = `${userId}:${workspaceId}`;
  const now = Date.now();
  const hit = memberships.get(key);
  if (hit && now - hit.at < MEMBERSHIP_TTL_MS) return hit.role;
  const [m] = await deps.client.db
    .select({ role: schema.memberships.role })
    .from(schema.memberships)
    .where(
      and(eq(schema.memberships.workspaceId, workspaceId), eq(schema.memberships.userId, userId)),
    );
  if (memberships.size > 10_000) memberships.clear();
  memberships.set(key, { role: m?.role ?? null, at: now });
  return m?.role ?? null;
}

export function requireRole(deps: Deps, permission: Permission): MiddlewareHandler<AppEnv> {
  return async function requireRoleMiddleware(c, next) {
    const ws = c.req.param('ws') ?? '';
    if (!UUID.test(ws)) throw notFound('The workspace');
    const role = await roleIn(deps, ws, c.get('userId'));
    if (!role) throw notFound('The workspace');
    if (!allows(role, permission))
      throw new AppError(
        403,
        'FORBIDDEN',
        `Your role (${role}) cannot do this; ask a workspace admin.`,
      );
    c.set('workspaceId', ws);
    c.set('role', role);
    await next();
  };
}

export function isUuid(s: string | undefined): s is string {
  return !!s && UUID.test(s);
}
