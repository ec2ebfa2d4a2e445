// The provider account behind an official-channel number: settings in clear, secrets sealed with
// the keyring (never returned by the API, never logged). One row per number.
import { eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import type { Keyring } from '../crypto/index.ts';
import { channelAccounts } from '../schema/index.ts';

export interface ChannelAccount {
  settings: Record<string, string>;
  secrets: Record<string, string>;
}

export async function saveChannelAccount(
  db: Database,
  keyring: Keyring,
  numberId: string,
  account: ChannelAccount,
): Promise<void> {
  const row = {
    numberId,
    settings: account.settings,
    secrets: keyring.encryptBytes(JSON.stringify(account.secrets)),
    keyId: keyring.currentKeyId,
    updatedAt: new Date(),
  };
  await db
    .insert(channelAccounts)
    .values(row)
    .onConflictDoUpdate({
      target: channelAccounts.numberId,
      set: {
        settings: row.settings,
        secrets: row.secrets,
        keyId: row.keyId,
        updatedAt: row.updatedAt,
      },
    });
}

export async function loadChannelAccount(
  db: Database,
  keyring: Keyring,
  numberId: string,
): Promise<ChannelAccount | undefined> {
  const [row] = await db
    .select({ settings: channelAccounts.settings, secrets: channelAccounts.secrets })
    .from(channelAccounts)
    .where(eq(channelAccounts.numberId, numberId));
  if (!row) return undefined;
  const secrets = JSON.parse(keyring.decryptBytes(row.secrets).toString('utf8')) as unknown;
  if (typeof secrets !== 'object' || secrets === null)
    throw new Error(`the channel account of number ${numberId} has unreadable secrets`);
  return { settings: row.settings, secrets: secrets as Record<string, string> };
}
