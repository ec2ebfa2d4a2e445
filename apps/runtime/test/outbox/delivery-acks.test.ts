// Delivery statuses on real Postgres, including one that arrives before the outbox has written
// the provider's id on the reply (markSent is batched): it is applied when the id lands, not lost.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { schema, type DbClient } from '@waflow/db';
import { echoFlow, until } from '@waflow/testkit';
import { DeliveryAcks } from '../../src/outbox/delivery-acks.ts';
import { freshDatabase, seedNumberWithFlow } from '../fixtures.ts';

describe('delivery statuses', () => {
  let client: DbClient;
  let numberId = '';
  let workspaceId = '';
  const warnings: string[] = [];
  const log = pino(
    { level: 'warn' },
    { write: (line: string) => warnings.push(String(JSON.parse(line).msg)) },
  );

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    ({ numberId, workspaceId } = await seedNumberWithFlow(client, echoFlow));
  });
  beforeEach(async () => {
    warnings.length = 0;
    await client.db.delete(schema.messages);
  });
  afterAll(async () => {
    await client.close();
  });

  async function reply(waMessageId: string | null) {
    const [msg] = await client.db
      .insert(schema.messages)
      .values({ workspaceId, numberId, direction: 'out', type: 'text', body: 'hi', waMessageId })
      .returning();
    if (!msg) throw new Error('no message');
    return msg.id;
  }
  const row = async (id: string) =>
    (
      await client.db
        .select({ status: schema.messages.status, error: schema.messages.error })
        .from(schema.messages)
        .where(eq(schema.messages.id, id))
    )[0];

  it('applies a status to the reply that carries the provider id', async () => {
    const acks = new DeliveryAcks(client.db, Date.now, log);
    const id = await reply('wamid.1');
    await acks.record(numberId, 'wamid.1', 'delivered');
    expect(await row(id)).toEqual({ status: 'delivered', error: null });
    await acks.record(numberId, 'wamid.1', 'failed', 'the number is not on WhatsApp');
    expect(await row(id)).toEqual({ status: 'failed', error: 'the number is not on WhatsApp' });
    acks.stop();
  });

  it('keeps a status that came before the send was recorded, and applies it when the id lands', async () => {
    const acks = new DeliveryAcks(client.db, Date.now, log, [20, 40, 80, 160, 320, 640]);
    const id = await reply(null);
    // Resolves at once (a webhook answers fast) although no reply carries the id yet.
    await acks.record(numberId, 'wamid.early', 'delivered');
    expect(await row(id)).toEqual({ status: 'pending', error: null });
    // The outbox's batched markSent writes the id and "sent" a moment later.
    await client.db
      .update(schema.messages)
      .set({ waMessageId: 'wamid.early', status: 'sent' })
      .where(eq(schema.messages.id, id));
    await until(
      async () => ((await row(id))?.status === 'delivered' ? true : undefined),
      'delivered',
    );
    expect(warnings).toEqual([]);
    acks.stop();
  });

  it('drops, with a warning, a status that never finds its reply, and never touches another number', async () => {
    const acks = new DeliveryAcks(client.db, Date.now, log, [5, 5]);
    const id = await reply('wamid.other');
    await acks.record('00000000-0000-4000-8000-000000000000', 'wamid.other', 'read');
    await until(async () => (warnings.length > 0 ? true : undefined), 'the warning');
    expect(warnings).toEqual(['a delivery status matched no reply of this number; it was dropped']);
    expect(await row(id)).toEqual({ status: 'pending', error: null });
    acks.stop();
  });
});
