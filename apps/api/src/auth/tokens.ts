// Access tokens (JWT HS256, 15 minutes, key derived from the secret key) and refresh tokens
// (random, only their hash stored, rotated on use; reuse of an old one revokes its family).
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { schema, type Database, type Keyring } from '@waflow/db';
import { AppError } from '../errors.ts';

export const ACCESS_TTL_S = 15 * 60;
export const REFRESH_TTL_MS = 30 * 24 * 3600_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

// HS256 JWTs with node:crypto on a key derived once per key ring (WebCrypto's importKey on every
// request cost more than the rest of a request).
const jwtKeys = new WeakMap<Keyring, Buffer>();
function jwtKey(keyring: Keyring): Buffer {
  let key = jwtKeys.get(keyring);
  if (!key) jwtKeys.set(keyring, (key = keyring.derive('access-token')));
  return key;
}
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const mac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();

export async function issueAccessToken(keyring: Keyring, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const body = `${HEADER}.${Buffer.from(JSON.stringify({ sub: userId, iat: now, exp: now + ACCESS_TTL_S })).toString('base64url')}`;
  return `${body}.${mac(jwtKey(keyring), body).toString('base64url')}`;
}

// Tokens whose signature this process checked, with their claims: every request of a session
// carries the same token, and a checked signature stays checked (the expiry is still compared on
// every use). Bounded, per key ring.
const verified = new WeakMap<Keyring, Map<string, { sub: string; exp: number }>>();
const MAX_VERIFIED = 10_000;

export async function verifyAccessToken(keyring: Keyring, token: string): Promise<string> {
  const expired = () => new AppError(401, 'UNAUTHENTICATED', 'Your session has expired or is not valid: sign in again.');
  let known = verified.get(keyring);
  if (!known) verified.set(keyring, (known = new Map()));
  const hit = known.get(token);
  if (hit) {
    if (hit.exp <= Date.now() / 1000) {
      known.delete(token);
      throw expired();
    }
    return hit.sub;
  }
  const [header, payload, signature] = token.split('.');
  if (header !== HEADER || !payload || !signature) throw expired();
  const expected = mac(jwtKey(keyring), `${header}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw expired();
  let claims: { sub?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    throw expired();
  }
  if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000) throw expired();
  if (known.size >= MAX_VERIFIED) known.clear();
  known.set(token, { sub: claims.sub, exp: claims.exp });
  return claims.sub;
}

export async function issueRefreshToken(db: Database, userId: string, family: string = randomUUID()): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.insert(schema.refreshSessions).values({ userId, family, tokenHash: sha256(token), expiresAt: new Date(Date.now() + REFRESH_TTL_MS) });
  return token;
}

/**
 * How long a refresh token that was just swapped may be presented again. Two tabs loading at the
 * same moment (a browser restoring its tabs, a reload while a refresh is in flight) send the same
 * cookie: without this, the second would be taken for a stolen token and close the session.
 */
export const REFRESH_REUSE_GRACE_MS = 30_000;

/**
 * Swaps a refresh token for a new one (same family). A token swapped more than
 * REFRESH_REUSE_GRACE_MS ago that comes back is a replay: it revokes the whole family.
 */
export async function rotateRefreshToken(db: Database, token: string, now = Date.now()): Promise<{ userId: string; token: string }> {
  const [row] = await db.select().from(schema.refreshSessions).where(eq(schema.refreshSessions.tokenHash, sha256(token)));
  if (!row || row.revokedAt || row.expiresAt.getTime() < now) throw new AppError(401, 'UNAUTHENTICATED', 'Your session has ended: sign in again.');
  const sibling = () => issueRefreshToken(db, row.userId, row.family);
  if (row.rotatedAt) {
    if (now - row.rotatedAt.getTime() < REFRESH_REUSE_GRACE_MS) return { userId: row.userId, token: await sibling() };
    await db.update(schema.refreshSessions).set({ revokedAt: new Date(now) }).where(eq(schema.refreshSessions.family, row.family));
    throw new AppError(401, 'UNAUTHENTICATED', 'This session was used twice and has been closed for safety: sign in again.');
  }
  // When this updates nothing, a concurrent refresh with the same cookie swapped the token an
  // instant ago: within the grace period too, so this one gets its own successor as well.
  await db
    .update(schema.refreshSessions)
    .set({ rotatedAt: new Date(now) })
    .where(and(eq(schema.refreshSessions.id, row.id), isNull(schema.refreshSessions.rotatedAt)));
  return { userId: row.userId, token: await sibling() };
}

export async function revokeRefreshToken(db: Database, token: string): Promise<void> {
  const [row] = await db.select().from(schema.refreshSessions).where(eq(schema.refreshSessions.tokenHash, sha256(token)));
  if (row) await db.update(schema.refreshSessions).set({ revokedAt: new Date() }).where(eq(schema.refreshSessions.family, row.family));
}
