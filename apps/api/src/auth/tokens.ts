// Access tokens (JWT HS256, 15 minutes, key derived from the secret key) and refresh tokens
// (random, only their hash stored, rotated on use; reuse of an old one revokes its family).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { sign, verify } from 'hono/jwt';
import { schema, type Database, type Keyring } from '@waflow/db';
import { AppError } from '../errors.ts';

export const ACCESS_TTL_S = 15 * 60;
export const REFRESH_TTL_MS = 30 * 24 * 3600_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const jwtKey = (keyring: Keyring) => keyring.derive('access-token').toString('base64');

export async function issueAccessToken(keyring: Keyring, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub: userId, iat: now, exp: now + ACCESS_TTL_S }, jwtKey(keyring), 'HS256');
}

export async function verifyAccessToken(keyring: Keyring, token: string): Promise<string> {
  try {
    const payload = await verify(token, jwtKey(keyring), 'HS256');
    if (typeof payload.sub !== 'string') throw new Error('no subject');
    return payload.sub;
  } catch {
    throw new AppError(401, 'UNAUTHENTICATED', 'Your session has expired or is not valid: sign in again.');
  }
}

export async function issueRefreshToken(db: Database, userId: string, family: string = randomUUID()): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.insert(schema.refreshSessions).values({ userId, family, tokenHash: sha256(token), expiresAt: new Date(Date.now() + REFRESH_TTL_MS) });
  return token;
}

/** Swaps a refresh token for a new one; an already-used token revokes the whole family. */
export async function rotateRefreshToken(db: Database, token: string): Promise<{ userId: string; token: string }> {
  const [row] = await db.select().from(schema.refreshSessions).where(eq(schema.refreshSessions.tokenHash, sha256(token)));
  if (!row || row.revokedAt || row.expiresAt < new Date()) throw new AppError(401, 'UNAUTHENTICATED', 'Your session has ended: sign in again.');
  if (row.rotatedAt) {
    await db.update(schema.refreshSessions).set({ revokedAt: new Date() }).where(eq(schema.refreshSessions.family, row.family));
    throw new AppError(401, 'UNAUTHENTICATED', 'This session was used twice and has been closed for safety: sign in again.');
  }
  const [claimed] = await db
    .update(schema.refreshSessions)
    .set({ rotatedAt: new Date() })
    .where(and(eq(schema.refreshSessions.id, row.id), isNull(schema.refreshSessions.rotatedAt)))
    .returning();
  if (!claimed) throw new AppError(401, 'UNAUTHENTICATED', 'Your session has ended: sign in again.');
  return { userId: row.userId, token: await issueRefreshToken(db, row.userId, row.family) };
}

export async function revokeRefreshToken(db: Database, token: string): Promise<void> {
  const [row] = await db.select().from(schema.refreshSessions).where(eq(schema.refreshSessions.tokenHash, sha256(token)));
  if (row) await db.update(schema.refreshSessions).set({ revokedAt: new Date() }).where(eq(schema.refreshSessions.family, row.family));
}
