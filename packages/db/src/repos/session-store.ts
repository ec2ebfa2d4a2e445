// WhatsApp session archives, encrypted at rest: one row per number, written by its worker after
// the session changes and read back when the worker starts (on this host or another).
import { eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import type { Keyring } from '../crypto/index.ts';
import { sessionStore } from '../schema/index.ts';

/** Encrypts `archive` under the ring's current key and stores it as the number's session. */
export async function saveSessionArchive(
  db: Database,
  keyring: Keyring,
  numberId: string,
  archive: Buffer,
): Promise<void> {
  const sealed = keyring.encryptBytes(archive);
  const row = { numberId, archive: sealed, keyId: keyring.currentKeyId, updatedAt: new Date() };
  await db
    .insert(sessionStore)
    .values(row)
    .onConflictDoUpdate({
      target: sessionStore.numberId,
      set: { archive: row.archive, keyId: row.keyId, updatedAt: row.updatedAt },
    });
}

/** The number's decrypted session archive, or undefined when it has none (it needs a QR scan). */
export async function loadSessionArchive(
  db: Database,
  keyring: Keyring,
  numberId: string,
): Promise<Buffer | undefined> {
  const [row] = await db
    .select({ archive: sessionStore.archive })
    .from(sessionStore)
    .where(eq(sessionStore.numberId, numberId));
  return row ? keyring.decryptBytes(row.archive) : undefined;
}

/** Forgets the number's session (after a logout, so the next start asks for a QR). */
export async function deleteSessionArchive(db: Database, numberId: string): Promise<void> {
  await db.delete(sessionStore).where(eq(sessionStore.numberId, numberId));
}

/** When the number's session archive was last saved, or undefined when it has none. */
export async function sessionArchiveUpdatedAt(
  db: Database,
  numberId: string,
): Promise<Date | undefined> {
  const [row] = await db
    .select({ updatedAt: sessionStore.updatedAt })
    .from(sessionStore)
    .where(eq(sessionStore.numberId, numberId));
  return row?.updatedAt ?? undefined;
}
