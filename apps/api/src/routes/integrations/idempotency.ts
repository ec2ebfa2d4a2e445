// Idempotency-Key for the integrator's starts and sends: a retried request gets the first answer
// back; a key reused with another body is refused; keys expire after a day.
import { createHash, randomUUID } from 'node:crypto';
import { and, eq, isNull, lt } from 'drizzle-orm';
import type { Context } from 'hono';
import { schema } from '@waflow/db';
import { type AppEnv, type Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** A claim still unanswered after this long belongs to a request that died: a retry takes it over. */
export const IDEMPOTENCY_STALE_CLAIM_MS = 60_000;

const lastPrune = new Map<string, number>();

/** Forgets a workspace's expired keys, at most once a minute per workspace and process, off the request's path. */
function pruneExpiredKeys(deps: Deps, workspaceId: string): void {
  const now = Date.now();
  if (now - (lastPrune.get(workspaceId) ?? 0) < 60_000) return;
  lastPrune.set(workspaceId, now);
  const k = schema.idempotencyKeys;
  void deps.client.db
    .delete(k)
    .where(and(eq(k.workspaceId, workspaceId), lt(k.createdAt, new Date(now - IDEMPOTENCY_TTL_MS))))
    .catch(() => undefined);
}

/** What makes two requests "the same": method, path and the validated body. */
export function idempotencyHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path} ${JSON.stringify(body)}`)
    .digest('hex');
}

/**
 * Runs `fn` once per (workspace, Idempotency-Key): the same key and body get the first answer
 * back, another body a 409. `fn` gets an operation id — the claim's, so the same for a retry and
 * new once the key expired — and must derive its writes' unique ids from it: a claim left
 * unanswered by a request that died is taken over, and `fn` runs again.
 */
export async function idempotent(
  c: Context<AppEnv>,
  deps: Deps,
  body: unknown,
  fn: (operationId: string) => Promise<{ status: 200 | 201 | 202; body: Record<string, unknown> }>,
) {
  const key = c.req.header('idempotency-key');
  if (key !== undefined && !/^[\w.:-]{1,200}$/.test(key))
    throw new AppError(
      400,
      'INVALID_IDEMPOTENCY_KEY',
      'Idempotency-Key is 1–200 letters, digits, dots, dashes, colons or underscores.',
    );
  if (!key) {
    const r = await fn(randomUUID());
    return c.json(r.body, r.status);
  }
  const ws = c.get('workspaceId');
  const k = schema.idempotencyKeys;
  const requestHash = idempotencyHash(c.req.method, c.req.path, body);
  const claim = async () =>
    (
      await deps.client.db
        .insert(k)
        .values({ workspaceId: ws, key, requestHash })
        .onConflictDoNothing()
        .returning({ id: k.id })
    )[0];
  let claimed = await claim();
  if (!claimed) {
    const [prior] = await deps.client.db
      .select()
      .from(k)
      .where(and(eq(k.workspaceId, ws), eq(k.key, key)));
    const now = Date.now();
    if (prior && now - prior.createdAt.getTime() > IDEMPOTENCY_TTL_MS) {
      // Expired: forget it and claim afresh.
      await deps.client.db
        .delete(k)
        .where(and(eq(k.id, prior.id), eq(k.createdAt, prior.createdAt)));
      claimed = await claim();
      if (!claimed)
        throw new AppError(
          409,
          'REQUEST_IN_PROGRESS',
          'A request with this Idempotency-Key is still being handled: retry in a moment.',
        );
    } else if (prior) {
      if (prior.requestHash !== requestHash)
        throw new AppError(
          409,
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used for a different request: use a new key for a new request.',
        );
      if (prior.statusCode) {
        c.header('Idempotent-Replayed', 'true');
        return c.json(prior.response as Record<string, unknown>, prior.statusCode as 200);
      }
      // Unanswered: in progress, unless so old that the request handling it died; then take it over
      // (only one retry wins the update).
      const [taken] =
        now - prior.createdAt.getTime() > IDEMPOTENCY_STALE_CLAIM_MS
          ? await deps.client.db
              .update(k)
              .set({ createdAt: new Date(now) })
              .where(
                and(eq(k.id, prior.id), isNull(k.statusCode), eq(k.createdAt, prior.createdAt)),
              )
              .returning({ id: k.id })
          : [];
      if (!taken)
        throw new AppError(
          409,
          'REQUEST_IN_PROGRESS',
          'A request with this Idempotency-Key is still being handled: retry in a moment.',
        );
      claimed = taken;
    } else {
      claimed = await claim();
      if (!claimed)
        throw new AppError(
          409,
          'REQUEST_IN_PROGRESS',
          'A request with this Idempotency-Key is still being handled: retry in a moment.',
        );
    }
  }
  const claimId = claimed.id;
  pruneExpiredKeys(deps, ws);
  try {
    const r = await fn(claimId);
    await deps.client.db
      .update(k)
      .set({ statusCode: r.status, response: r.body })
      .where(eq(k.id, claimId));
    return c.json(r.body, r.status);
  } catch (err) {
    // A refused request may be retried with the same key once it is fixed.
    await deps.client.db.delete(k).where(eq(k.id, claimId));
    throw err;
  }
}
