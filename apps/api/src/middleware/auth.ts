// Who is calling: `requireUser` checks the bearer access token; `requireRole(permission)` checks
// the caller's role in the workspace of the URL against the permission table. A workspace the
// caller is not a member of answers 404, never revealing that it exists.
import { and, eq } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { schema } from '@waflow/db';
import { allows, type Permission } from '../auth/permissions.ts';
import { verifyAccessToken } from '../auth/tokens.ts';
import type { AppEnv, Deps } from '../context.ts';
import { AppError, notFound } from '../errors.ts';

export function requireUser(deps: Deps): MiddlewareHandler<AppEnv> {
  return async function requireUserMiddleware(c, next) {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    if (!token) throw new AppError(401, 'UNAUTHENTICATED', 'Sign in first: this needs an Authorization: Bearer <access token> header.');
    c.set('userId', await verifyAccessToken(deps.keyring, token));
    await next();
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireRole(deps: Deps, permission: Permission): MiddlewareHandler<AppEnv> {
  return async function requireRoleMiddleware(c, next) {
    const ws = c.req.param('ws') ?? '';
    if (!UUID.test(ws)) throw notFound('The workspace');
    const [m] = await deps.client.db
      .select({ role: schema.memberships.role })
      .from(schema.memberships)
      .where(and(eq(schema.memberships.workspaceId, ws), eq(schema.memberships.userId, c.get('userId'))));
    if (!m) throw notFound('The workspace');
    if (!allows(m.role, permission)) throw new AppError(403, 'FORBIDDEN', `Your role (${m.role}) cannot do this; ask a workspace admin.`);
    c.set('workspaceId', ws);
    c.set('role', m.role);
    await next();
  };
}

export function isUuid(s: string | undefined): s is string {
  return !!s && UUID.test(s);
}
