// Integrators call `/api/v1/integrations/*` with `Authorization: Bearer wf_…`: the key is looked
// up by its SHA-256 hash (only the hash is stored), bound to one workspace, and rate-limited per
// key and per workspace (token buckets in this process, see integrator-limits.ts). A client
// address that keeps sending missing, unknown or revoked keys is refused before any lookup.
import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { schema } from '@waflow/db';
import type { AppEnv, Deps } from '../context.ts';
import { AppError } from '../errors.ts';
import { clientAddress, trustNoProxy } from '../auth/client-address.ts';
import { integratorLimiters, rateLimited } from './integrator-limits.ts';

export const API_KEY_PREFIX = 'wf_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

// last_used_at writes, at most once a minute per key, across every integrator route of an app.
const touchedByDeps = new WeakMap<Deps, Map<string, number>>();

export function requireApiKey(deps: Deps): MiddlewareHandler<AppEnv> {
  let touched = touchedByDeps.get(deps);
  if (!touched) touchedByDeps.set(deps, (touched = new Map()));
  const seen = touched;
  const limiters = integratorLimiters(deps);
  return async function requireApiKeyMiddleware(c, next) {
    const now = Date.now();
    const address = clientAddress(c, deps.trustedProxies ?? trustNoProxy);
    const refusedFor = limiters.badKey.wait(address, now);
    if (refusedFor > 0)
      throw rateLimited(
        c,
        refusedFor,
        'TOO_MANY_BAD_KEYS',
        `More than ${limiters.badKey.perMin} requests a minute from your address had a missing, unknown or revoked API key`,
      );
    const key = /^Bearer (wf_[A-Za-z0-9_-]+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (!key) {
      limiters.badKey.take(address, now);
      throw new AppError(
        401,
        'UNAUTHENTICATED',
        'Send your API key as Authorization: Bearer wf_… (create one under Settings → API keys).',
      );
    }
    const [row] = await deps.client.db
      .select({ id: schema.apiKeys.id, workspaceId: schema.apiKeys.workspaceId })
      .from(schema.apiKeys)
      .where(and(eq(schema.apiKeys.keyHash, hashApiKey(key)), isNull(schema.apiKeys.revokedAt)));
    if (!row) {
      limiters.badKey.take(address, now);
      throw new AppError(
        401,
        'UNAUTHENTICATED',
        'This API key is unknown or was revoked: create a new one under Settings → API keys.',
      );
    }

    const keyWait = limiters.key.wait(row.id, now);
    if (keyWait > 0)
      throw rateLimited(
        c,
        keyWait,
        'RATE_LIMITED',
        `This API key makes more than ${limiters.key.perMin} requests a minute`,
      );
    const workspaceWait = limiters.workspace.wait(row.workspaceId, now);
    if (workspaceWait > 0)
      throw rateLimited(
        c,
        workspaceWait,
        'WORKSPACE_RATE_LIMITED',
        `This workspace’s API keys together make more than ${limiters.workspace.perMin} requests a minute`,
      );
    limiters.key.take(row.id, now);
    limiters.workspace.take(row.workspaceId, now);

    // last_used_at at most once a minute per key, off the request's path.
    if (now - (seen.get(row.id) ?? 0) > 60_000) {
      seen.set(row.id, now);
      void deps.client.db
        .update(schema.apiKeys)
        .set({ lastUsedAt: new Date(now) })
        .where(eq(schema.apiKeys.id, row.id))
        .catch(() => undefined);
    }
    c.set('workspaceId', row.workspaceId);
    c.set('apiKeyId', row.id);
    await next();
  };
}
