import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '@waflow/testkit';
import { createDb, type DbClient } from '../client.ts';
import { createKeyring } from '../crypto/index.ts';
import { migrate } from '../migrate.ts';
import { schema } from '../index.ts';
import { createWorkspace } from './workspaces.ts';
import { loadChannelAccount, saveChannelAccount } from './channel-accounts.ts';

describe('channel accounts on real Postgres', () => {
  let client: DbClient;
  beforeAll(async () => {
    client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
    await migrate(client);
  });
  afterAll(() => client.close());

  it("keeps a Cloud API number's secrets sealed and gives them back after a key rotation", async () => {
    const db = client.db;
    const ws = await createWorkspace(db, 'Cloud');
    const [number] = await db
      .insert(schema.numbers)
      .values({ workspaceId: ws.id, label: 'n', channel: 'cloud_api' })
      .returning();
    if (!number) throw new Error('no number');
    const k1 = randomBytes(32);
    const old = createKeyring({ keys: { k1 }, current: 'k1' });
    expect(await loadChannelAccount(db, old, number.id)).toBeUndefined();

    const account = {
      settings: { phoneNumberId: '1065', wabaId: '2000' },
      secrets: { accessToken: 'EAAG-secret-token', appSecret: 'app-secret-xyz' },
    };
    await saveChannelAccount(db, old, number.id, account);
    const [stored] = await db.select().from(schema.channelAccounts);
    expect(stored?.keyId).toBe('k1');
    expect(stored?.settings).toEqual(account.settings);
    expect(stored?.secrets.toString('latin1')).not.toContain('EAAG-secret-token');
    expect(stored?.secrets.toString('latin1')).not.toContain('app-secret-xyz');

    const rotated = createKeyring({ keys: { k2: randomBytes(32), k1 }, current: 'k2' });
    expect(await loadChannelAccount(db, rotated, number.id)).toEqual(account);
    await saveChannelAccount(db, rotated, number.id, {
      ...account,
      secrets: { ...account.secrets, accessToken: 'EAAG-new' },
    });
    expect((await db.select().from(schema.channelAccounts)).map((r) => r.keyId)).toEqual(['k2']);
    expect((await loadChannelAccount(db, rotated, number.id))?.secrets.accessToken).toBe(
      'EAAG-new',
    );

    // Removing the number removes its account with it.
    await db.delete(schema.numbers).where(eq(schema.numbers.id, number.id));
    expect(await db.select().from(schema.channelAccounts)).toEqual([]);
  });
});
