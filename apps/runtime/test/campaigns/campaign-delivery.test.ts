// A campaign on sandbox numbers, end to end through the runtime: recipients chosen once, each
// sent one first message through the outbox, contacts in a conversation waited for or skipped,
// invalid ids skipped, statuses following the sends.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { createInProcessCoordinator } from '@waflow/coord';
import { executeRows, schema, type DbClient } from '@waflow/db';
import { Runtime } from '../../src/runtime.ts';
import type { SandboxChannel } from '../../src/channels/sandbox/sandbox-channel.ts';
import { askThenEndFlow, freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';
import {
  campaignStatus,
  countsOf,
  createCampaign,
  seedContacts,
  waIdOf,
} from './campaign-fixtures.ts';

const FAST = { pacing: { perMinute: 6000, jitter: 0, dailyCap: null, window: null } };

describe('a campaign on sandbox numbers', () => {
  let client: DbClient;
  let runtime: Runtime;
  let ws = '';
  let a = '';
  let b = '';
  const channels: SandboxChannel[] = [];
  let offset = 0;
  const coord = createInProcessCoordinator();

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    const seeded = await seedNumberWithFlow(client, askThenEndFlow);
    ws = seeded.workspaceId;
    a = seeded.numberId;
    const [second] = await client.db
      .insert(schema.numbers)
      .values({ workspaceId: ws, label: 'Second', channel: 'sandbox', flowId: seeded.flowId })
      .returning();
    b = second?.id ?? '';
    runtime = new Runtime({
      client,
      coord,
      now: () => Date.now() + offset,
      pollMs: 50,
      recoverMs: 500,
      outbox: { pacing: { ratePerSec: 100_000, burst: 100_000 } },
      log: pino({ level: process.env.TEST_LOG ?? 'silent' }),
    });
    await runtime.start();
    channels.push(await runtime.attachSandbox(a), await runtime.attachSandbox(b));
  });
  afterAll(async () => {
    await runtime.stop();
    await coord.close();
    await client.close();
  });

  const sentTo = () => {
    const by = new Map<string, number>();
    for (const ch of channels)
      for (const s of ch.sent) by.set(s.message.to, (by.get(s.message.to) ?? 0) + 1);
    return by;
  };

  it(
    'sends each of 2,000 recipients exactly one first message, none to opted-out contacts or invalid ids',
    { timeout: 180_000 },
    async () => {
      // Half wrote to the first number (their campaign message comes from it), half were imported
      // (dealt to the numbers in turn).
      await seedContacts(client, ws, a, 1000);
      await seedContacts(client, ws, null, 1000, '3461');
      await client.db.insert(schema.contacts).values([
        { workspaceId: ws, numberId: a, waId: 'status@broadcast' },
        { workspaceId: ws, numberId: a, waId: '123@c.us' },
        { workspaceId: ws, numberId: a, waId: '34699000001@c.us', optedOutAt: new Date() },
        { workspaceId: ws, numberId: b, waId: '34699000002@c.us', optedOutAt: new Date() },
      ]);
      const id = await createCampaign(client, {
        workspaceId: ws,
        numberIds: [a, b],
        content: { kind: 'message', text: 'Our spring sale starts today' },
        settings: FAST,
      });
      await waitFor(
        async () => (await campaignStatus(client, id)) === 'completed',
        150_000,
        'the campaign to complete',
      );
      expect(await countsOf(client, id)).toEqual({ sent: 2000, skipped: 4 });
      const by = sentTo();
      for (let i = 1; i <= 1000; i++) {
        expect(by.get(waIdOf(i))).toBe(1);
        expect(by.get(waIdOf(i, '3461'))).toBe(1);
      }
      expect(channels[0]?.sent.filter((s) => s.message.to.startsWith('3460')).length).toBe(1000);
      expect(by.size).toBe(2000);
      // Dealt to both numbers, each message authored by the campaign in its transcript.
      expect(channels[1]?.sent.length).toBeGreaterThan(400);
      const [authored] = await executeRows<{ n: number }>(
        client.db,
        sql`select count(*)::int as n from messages where author = 'campaign' and status = 'sent'`,
      );
      expect(authored?.n).toBe(2000);
      const skipped = await client.db
        .select({ reason: schema.campaignRecipients.reason })
        .from(schema.campaignRecipients)
        .where(sql`campaign_id = ${id} and status = 'skipped'`);
      expect(skipped.map((s) => s.reason).sort()).toEqual([
        'invalid: not a WhatsApp phone number',
        'invalid: not a WhatsApp phone number',
        'opted out',
        'opted out',
      ]);
      // Opted-out contacts got nothing.
      expect(by.has('34699000001@c.us') || by.has('34699000002@c.us')).toBe(false);
    },
  );

  it('skips a contact in a conversation when told to, and waits for the end of it otherwise', async () => {
    for (const ch of channels) ch.sent.length = 0;
    await seedContacts(client, ws, a, 4, '3470');
    const contacts = await client.db
      .select()
      .from(schema.contacts)
      .where(sql`wa_id like '3470%'`)
      .orderBy(schema.contacts.waId);
    const busy = contacts.slice(0, 2);
    for (const c of busy)
      await client.db
        .insert(schema.conversations)
        .values({ workspaceId: ws, numberId: a, contactId: c.id, status: 'waiting' });
    const audience = { kind: 'contacts', contactIds: contacts.map((c) => c.id) };
    const skip = await createCampaign(client, {
      workspaceId: ws,
      numberIds: [a],
      audience,
      content: { kind: 'message', text: 'skip policy' },
      settings: { ...FAST, busy: 'skip' },
    });
    await waitFor(
      async () => (await campaignStatus(client, skip)) === 'completed',
      20_000,
      'skip campaign',
    );
    expect(await countsOf(client, skip)).toEqual({ sent: 2, skipped: 2 });

    const wait = await createCampaign(client, {
      workspaceId: ws,
      numberIds: [a],
      audience,
      content: { kind: 'message', text: 'wait policy' },
      settings: { ...FAST, busy: 'wait' },
    });
    await waitFor(
      async () => (await countsOf(client, wait)).sent === 2,
      20_000,
      'the free contacts sent',
    );
    expect(await countsOf(client, wait)).toEqual({ sent: 2, queued: 2 });
    // Their conversations end; the campaign looks again after its wait and sends to them too.
    await client.db
      .update(schema.conversations)
      .set({ status: 'completed' })
      .where(
        sql`contact_id in (${sql.join(
          busy.map((c) => sql`${c.id}`),
          sql`, `,
        )})`,
      );
    offset += 61_000;
    await waitFor(
      async () => (await campaignStatus(client, wait)) === 'completed',
      20_000,
      'wait campaign',
    );
    expect(await countsOf(client, wait)).toEqual({ sent: 4 });
    const texts = channels.flatMap((ch) =>
      ch.sent.map((s) => `${s.message.to} ${s.message.type === 'text' ? s.message.text : ''}`),
    );
    for (const c of busy) {
      expect(texts).toContain(`${c.waId} wait policy`);
      expect(texts).not.toContain(`${c.waId} skip policy`);
    }
  });

  it('starts the published flow for each recipient, with variables from the contact, and a reply goes on in it', async () => {
    await seedContacts(client, ws, b, 3, '3480');
    const contacts = await client.db
      .select()
      .from(schema.contacts)
      .where(sql`wa_id like '3480%'`);
    const [flow] = await client.db.select().from(schema.flows).limit(1);
    const id = await createCampaign(client, {
      workspaceId: ws,
      numberIds: [b],
      audience: { kind: 'contacts', contactIds: contacts.map((c) => c.id) },
      content: { kind: 'flow', flowId: flow?.id, variables: {} },
      settings: FAST,
    });
    await waitFor(
      async () => (await countsOf(client, id)).sent === 3,
      20_000,
      'the flow started for all',
    );
    const first = contacts[0];
    if (!first) throw new Error('no contact');
    // The flow asked "your name?": the reply is its answer.
    await runtime.receive(b, {
      messageId: 'reply-1',
      from: first.waId,
      type: 'text',
      text: 'Ana',
      timestamp: Date.now(),
    });
    await waitFor(
      () =>
        channels[1]?.sent.some(
          (s) =>
            s.message.to === first.waId &&
            s.message.type === 'text' &&
            s.message.text === 'bye Ana',
        ),
      20_000,
      'the flow to go on with the reply',
    );
    await waitFor(async () => (await countsOf(client, id)).replied === 1, 20_000, 'replied');
  });
});
