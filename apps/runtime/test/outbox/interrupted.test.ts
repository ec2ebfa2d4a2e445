// Replies a crash interrupted after they were handed to the channel, on real Postgres: on a
// channel that cannot tell whether they went out they are failed everywhere — the outbox row,
// the transcript message (with the reason, so the inbox shows it with a resend) and a
// `message.failed` webhook — and on one that can look them up they are queued again, marked.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema, type DbClient } from '@waflow/db';
import { echoFlow } from '@waflow/testkit';
import { createOutboxStore, INTERRUPTED_REASON } from '../../src/outbox/outbox-store.ts';
import { freshDatabase, seedNumberWithFlow } from '../fixtures.ts';

describe('outbox rows interrupted while sending', () => {
  let client: DbClient;
  let numberId = '';
  let workspaceId = '';

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    ({ numberId, workspaceId } = await seedNumberWithFlow(client, echoFlow));
    await client.db.insert(schema.webhookEndpoints).values({
      workspaceId,
      url: 'https://hooks.example.com/waflow',
      secret: 'not-used-here',
      events: ['message.failed'],
    });
  });
  beforeEach(async () => {
    await client.db.delete(schema.webhookDeliveries);
    await client.db.delete(schema.outbox);
    await client.db.delete(schema.messages);
  });
  afterAll(async () => {
    await client.close();
  });

  /** A bot reply as a turn commits it: its transcript row and its outbox row. */
  async function reply(text: string, outbox: Partial<typeof schema.outbox.$inferInsert>) {
    const [msg] = await client.db
      .insert(schema.messages)
      .values({ workspaceId, numberId, direction: 'out', type: 'text', body: text })
      .returning();
    if (!msg) throw new Error('no message');
    const [row] = await client.db
      .insert(schema.outbox)
      .values({
        numberId,
        messageId: msg.id,
        idempotencyKey: `k:${text}`,
        payload: { to: '34600111222@c.us', type: 'text', text },
        ...outbox,
      })
      .returning();
    if (!row) throw new Error('no outbox row');
    return { messageId: msg.id, outboxId: row.id };
  }
  const message = async (id: string) =>
    (await client.db.select().from(schema.messages).where(eq(schema.messages.id, id)))[0];
  const outboxRow = async (id: string) =>
    (await client.db.select().from(schema.outbox).where(eq(schema.outbox.id, id)))[0];

  it('fails a handed reply in the transcript too, with the reason and a message.failed webhook, when the channel cannot tell', async () => {
    const r = await reply('your order is confirmed', {
      status: 'sending',
      attempts: 1,
      handedAt: new Date(),
    });
    const store = createOutboxStore(client.db);
    expect(await store.recoverSending(numberId, { lookUp: false })).toEqual({
      lookedUp: 0,
      failed: 1,
    });
    expect(await outboxRow(r.outboxId)).toMatchObject({
      status: 'failed',
      error: INTERRUPTED_REASON,
    });
    expect(await message(r.messageId)).toMatchObject({
      status: 'failed',
      error: INTERRUPTED_REASON,
    });
    const deliveries = await client.db.select().from(schema.webhookDeliveries);
    expect(deliveries.map((d) => d.eventType)).toEqual(['message.failed']);
    expect(deliveries[0]?.payload).toMatchObject({
      type: 'message.failed',
      data: {
        messageId: r.messageId,
        numberId,
        contact: '34600111222@c.us',
        text: 'your order is confirmed',
        author: 'bot',
        error: INTERRUPTED_REASON,
      },
    });
    // A second start finds nothing left to settle: one event per failure.
    expect(await store.recoverSending(numberId, { lookUp: false })).toEqual({
      lookedUp: 0,
      failed: 0,
    });
    expect(await client.db.select().from(schema.webhookDeliveries)).toHaveLength(1);
  });

  it('settles a reply an earlier version failed in the outbox but left pending in the transcript', async () => {
    const r = await reply('left pending', {
      status: 'failed',
      error: 'interrupted while sending (process stopped); not sent again to avoid a duplicate',
    });
    await createOutboxStore(client.db).recoverSending(numberId, { lookUp: true });
    expect(await message(r.messageId)).toMatchObject({
      status: 'failed',
      error: 'interrupted while sending (process stopped); not sent again to avoid a duplicate',
    });
    expect(
      (await client.db.select().from(schema.webhookDeliveries)).map((d) => d.eventType),
    ).toEqual(['message.failed']);
  });

  it('queues a handed reply again, marked interrupted, when the channel can look it up', async () => {
    const r = await reply('looked up first', {
      status: 'sending',
      attempts: 1,
      handedAt: new Date(),
    });
    const never = await reply('never handed', { status: 'sending', attempts: 1 });
    const store = createOutboxStore(client.db);
    expect(await store.recoverSending(numberId, { lookUp: true })).toEqual({
      lookedUp: 1,
      failed: 0,
    });
    const claimed = await store.claimDue(numberId, 10, new Date(Date.now() + 1000));
    expect(claimed.map((c) => [c.id, c.interrupted ?? false])).toEqual([
      [r.outboxId, true],
      [never.outboxId, false],
    ]);
    expect((await message(r.messageId))?.status).toBe('pending');
    expect(await client.db.select().from(schema.webhookDeliveries)).toHaveLength(0);
  });
});
