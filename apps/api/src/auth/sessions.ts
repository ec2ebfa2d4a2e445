// A session is one sign-in: a refresh-token family, whose id every access token of it carries
// (`sid`). An access token works only while its session is open and its user not disabled, checked
// against the database and remembered for SESSION_CHECK_TTL_MS per process: ending a session
// (sign-out, sign-out everywhere, a password change or reset, a replayed refresh token) forgets it
// at once in the process that ended it, and other API processes see it within the TTL.
import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { schema, type Database } from '@waflow/db';

export const SESSION_CHECK_TTL_MS = 2_000;
const MAX_CACHED = 10_000;

// Per database client: each API process has its own (and so do two apps in one test).
const caches = new WeakMap<Database, Map<string, { open: boolean; at: number }>>();
function cacheOf(db: Database) {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
}

/** Whether the session is open (not revoked, not expired) and its user may still sign in. */
export async function sessionOpen(
  db: Database,
  sessionId: string,
  userId: string,
  now = Date.now(),
): Promise<boolean> {
  const cache = cacheOf(db);
  const key = `${userId}:${sessionId}`;
  const hit = cache.get(key);
  if (hit && now - hit.at < SESSION_CHECK_TTL_MS) return hit.open;
  const [row] = await db
    .select({ disabled: schema.users.disabled })
    .from(schema.refreshSessions)
    .innerJoin(schema.users, eq(schema.users.id, schema.refreshSessions.userId))
    .where(
      and(
        eq(schema.refreshSessions.family, sessionId),
        eq(schema.refreshSessions.userId, userId),
        isNull(schema.refreshSessions.revokedAt),
        gt(schema.refreshSessions.expiresAt, new Date(now)),
      ),
    )
    .limit(1);
  const open = !!row && !row.disabled;
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, { open, at: now });
  return open;
}

function forget(db: Database, rows: { userId: string; family: string }[]): void {
  const cache = cacheOf(db);
  for (const r of rows) cache.delete(`${r.userId}:${r.family}`);
}

/** Ends one session: its refresh tokens stop working, and so do its access tokens. */
export async function endSession(db: Database, sessionId: string): Promise<void> {
  const rows = await db
    .update(schema.refreshSessions)
    .set({ revokedAt: new Date() })
    .where(
      and(eq(schema.refreshSessions.family, sessionId), isNull(schema.refreshSessions.revokedAt)),
    )
    .returning({ userId: schema.refreshSessions.userId, family: schema.refreshSessions.family });
  forget(db, rows);
}

/** Ends every session of a user, but `keep` (the caller's own, after a password change). */
export async function endUserSessions(db: Database, userId: string, keep?: string): Promise<void> {
  const rows = await db
    .update(schema.refreshSessions)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(schema.refreshSessions.userId, userId),
        isNull(schema.refreshSessions.revokedAt),
        keep ? ne(schema.refreshSessions.family, keep) : sql`true`,
      ),
    )
    .returning({ userId: schema.refreshSessions.userId, family: schema.refreshSessions.family });
  forget(db, rows);
}
