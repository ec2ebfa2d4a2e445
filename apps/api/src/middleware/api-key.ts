// Integrators call `/api/v1/integrations/*` with `Authorization: Bearer wf_…`: the key is looked
// up by its SHA-256 hash (only the hash is stored), bound to one workspace, and rate-limited per
// key (a token bucket in this process: 120 requests a minute, bursts of 30).
import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { schema } from '@waflow/db';
import type { AppEnv, Deps } from '../context.ts';
import { AppError } from '../errors.ts';

export const API_KEY_PREFIX = 'wf_';
const RATE_PER_MIN = 120;
const BURST = 30;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

interface Bucket {
  tokens: number;
  at: number;
}

// One bucket per key across every integrator route of an app (the middleware is built per route).
const limiters = new WeakMap<Deps, { buckets: Map<string, Bucket>; touched: Map<string, number> }>();

export function requireApiKey(deps: Deps): MiddlewareHandler<AppEnv> {
  let limiter = limiters.get(deps);
  if (!limiter) limiters.set(deps, (limiter = { buckets: new Map(), touched: new Map() }));
  const { buckets, touched } = limiter;
  return async function requireApiKeyMiddleware(c, next) {
    const key = /^Bearer (wf_[A-Za-z0-9_-]+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (!key) throw new AppError(401, 'UNAUTHENTICATED', 'Send your API key as Authorization: Bearer wf_… (create one under Settings → API keys).');
    const [row] = await deps.client.db
      .select({ id: schema.apiKeys.id, workspaceId: schema.apiKeys.workspaceId })
      .from(schema.apiKeys)
      .where(and(eq(schema.apiKeys.keyHash, hashApiKey(key)), isNull(schema.apiKeys.revokedAt)));
    if (!row) throw new AppError(401, 'UNAUTHENTICATED', 'This API key is unknown or was revoked: create a new one under Settings → API keys.');

    const now = Date.now();
    const b = buckets.get(row.id) ?? { tokens: BURST, at: now };
    b.tokens = Math.min(BURST, b.tokens + ((now - b.at) / 60_000) * RATE_PER_MIN);
    b.at = now;
    buckets.set(row.id, b);
    if (b.tokens < 1) {
      const wait = Math.ceil(((1 - b.tokens) * 60) / RATE_PER_MIN);
      c.header('Retry-After', String(wait));
      throw new AppError(429, 'RATE_LIMITED', `This API key makes more than ${RATE_PER_MIN} requests a minute: wait ${wait} s and slow down.`);
    }
    b.tokens -= 1;

    // last_used_at at most once a minute per key, off the request's path.
    if (now - (touched.get(row.id) ?? 0) > 60_000) {
      touched.set(row.id, now);
      void deps.client.db.update(schema.apiKeys).set({ lastUsedAt: new Date(now) }).where(eq(schema.apiKeys.id, row.id)).catch(() => undefined);
    }
    c.set('workspaceId', row.workspaceId);
    c.set('apiKeyId', row.id);
    await next();
  };
}
