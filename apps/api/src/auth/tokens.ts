// Access tokens (JWT HS256, 15 minutes, key derived from the secret key) carry their session's id
// (`sid`, the refresh-token family); refresh tokens (random, only their hash stored) rotate on use,
// and reuse of an old one ends the session (sessions.ts).
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { schema, type Database, type Keyring } from '@waflow/db';
import { AppError } from '../errors.ts';
import { endSession } from './sessions.ts';

export const ACCESS_TTL_S = 15 * 60;
export const REFRESH_TTL_MS = 30 * 24 * 3600_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

// Keys derived once per key ring and purpose (WebCrypto's importKey on every request cost more
// than the rest of a request).
const derived = new WeakMap<Keyring, Map<string, Buffer>>();
function keyFor(keyring: Keyring, purpose: 'access-token' | 'refresh-successor'): Buffer {
  let keys = derived.get(keyring);
  if (!keys) derived.set(keyring, (keys = new Map()));
  let key = keys.get(purpose);
  if (!key) keys.set(purpose, (key = keyring.derive(purpose)));
  return key;
}
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const mac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();
// Exactly three unpadded base64url segments, the signature 32 bytes (43 characters).
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

export async function issueAccessToken(
  keyring: Keyring,
  userId: string,
  sessionId: string,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const body = `${HEADER}.${Buffer.from(JSON.stringify({ sub: userId, sid: sessionId, iat: now, exp: now + ACCESS_TTL_S })).toString('base64url')}`;
  return `${body}.${mac(keyFor(keyring, 'access-token'), body).toString('base64url')}`;
}

// Tokens whose signature this process checked, with their claims: every request of a session
// carries the same token, and a checked signature stays checked (the expiry is still compared on
// every use, and the session is checked by the caller). Bounded, per key ring.
const verified = new WeakMap<Keyring, Map<string, AccessClaims & { exp: number }>>();
const MAX_VERIFIED = 10_000;

/** The token's user and session when its signature and expiry hold (the session may have ended since). */
export async function verifyAccessToken(keyring: Keyring, token: string): Promise<AccessClaims> {
  const expired = () =>
    new AppError(
      401,
      'UNAUTHENTICATED',
      'Your session has expired or is not valid: sign in again.',
    );
  let known = verified.get(keyring);
  if (!known) verified.set(keyring, (known = new Map()));
  const hit = known.get(token);
  if (hit) {
    if (hit.exp <= Date.now() / 1000) {
      known.delete(token);
      throw expired();
    }
    return { userId: hit.userId, sessionId: hit.sessionId };
  }
  if (!JWT_SHAPE.test(token)) throw expired();
  const [header, payload, signature] = token.split('.');
  if (header !== HEADER || !payload || !signature) throw expired();
  const expected = mac(keyFor(keyring, 'access-token'), `${header}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  // The same bytes spelled another way (spare low bits in the last character) are another token.
  if (
    given.length !== expected.length ||
    given.toString('base64url') !== signature ||
    !timingSafeEqual(given, expected)
  )
    throw expired();
  let claims: { sub?: unknown; sid?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    throw expired();
  }
  if (
    typeof claims.sub !== 'string' ||
    typeof claims.sid !== 'string' ||
    typeof claims.exp !== 'number' ||
    claims.exp <= Date.now() / 1000
  )
    throw expired();
  if (known.size >= MAX_VERIFIED) known.clear();
  known.set(token, { userId: claims.sub, sessionId: claims.sid, exp: claims.exp });
  return { userId: claims.sub, sessionId: claims.sid };
}

/** A new refresh token; without `family`, the first of a new session (its id is the family). */
export async function issueRefreshToken(
  db: Database,
  userId: string,
  family: string = randomUUID(),
): Promise<{ token: string; family: string }> {
  const token = randomBytes(32).toString('base64url');
  await db.insert(schema.refreshSessions).values({
    userId,
    family,
    tokenHash: sha256(token),
    expiresAt: new Date(Date.now() + REFRESH_TTL_MS),
  });
  return { token, family };
}

/**
 * How long a refresh token that was just swapped may be presented again. Two tabs loading at the
 * same moment (a browser restoring its tabs, a reload while a refresh is in flight) send the same
 * cookie: without this, the second would be taken for a stolen token and close the session.
 */
export const REFRESH_REUSE_GRACE_MS = 30_000;

/**
 * Swaps a refresh token for its successor (same session). The successor is derived from the token
 * with a key of the key ring, so every swap of the same token within REFRESH_REUSE_GRACE_MS hands
 * back the same successor (never a second live token); a swapped token that comes back later is a
 * replay and ends the session. A disabled user's tokens are refused.
 */
export async function rotateRefreshToken(
  db: Database,
  keyring: Keyring,
  token: string,
  now = Date.now(),
): Promise<{ userId: string; family: string; token: string }> {
  const [found] = await db
    .select({ row: schema.refreshSessions, disabled: schema.users.disabled })
    .from(schema.refreshSessions)
    .innerJoin(schema.users, eq(schema.users.id, schema.refreshSessions.userId))
    .where(eq(schema.refreshSessions.tokenHash, sha256(token)));
  const row = found?.row;
  if (!found || !row || row.revokedAt || row.expiresAt.getTime() < now)
    throw new AppError(401, 'UNAUTHENTICATED', 'Your session has ended: sign in again.');
  if (found.disabled)
    throw new AppError(
      401,
      'ACCOUNT_DISABLED',
      'This account is disabled: ask the person who runs waflow to enable it.',
    );
  const successor = createHmac('sha256', keyFor(keyring, 'refresh-successor'))
    .update(token)
    .digest('base64url');
  const handOver = async () => {
    // Whoever swaps first stores it; a concurrent swap of the same token finds it there.
    await db
      .insert(schema.refreshSessions)
      .values({
        userId: row.userId,
        family: row.family,
        tokenHash: sha256(successor),
        expiresAt: new Date(now + REFRESH_TTL_MS),
      })
      .onConflictDoNothing();
    return { userId: row.userId, family: row.family, token: successor };
  };
  if (row.rotatedAt) {
    if (now - row.rotatedAt.getTime() < REFRESH_REUSE_GRACE_MS) return handOver();
    await endSession(db, row.family);
    throw new AppError(
      401,
      'UNAUTHENTICATED',
      'This session was used twice and has been closed for safety: sign in again.',
    );
  }
  // When this updates nothing, a concurrent refresh with the same cookie swapped the token an
  // instant ago: it gets the same successor.
  await db
    .update(schema.refreshSessions)
    .set({ rotatedAt: new Date(now) })
    .where(and(eq(schema.refreshSessions.id, row.id), isNull(schema.refreshSessions.rotatedAt)));
  return handOver();
}

/** Sign-out: ends the session the refresh token belongs to. */
export async function revokeRefreshToken(db: Database, token: string): Promise<void> {
  const [row] = await db
    .select({ family: schema.refreshSessions.family })
    .from(schema.refreshSessions)
    .where(eq(schema.refreshSessions.tokenHash, sha256(token)));
  if (row) await endSession(db, row.family);
}
