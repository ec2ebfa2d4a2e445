// The webhook events the runtime really emits, checked against their published JSON Schemas
// (schemas/webhooks): real conversations through the sandbox on real Postgres, an endpoint
// subscribed to everything, and every queued payload validated by type.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import { createInProcessCoordinator } from '@waflow/coord';
import { createKeyring, schema, type DbClient } from '@waflow/db';
import { Runtime } from '../../src/runtime.ts';
import { eraseContactData } from '@waflow/db';
import type { SandboxChannel } from '../../src/channels/sandbox/sandbox-channel.ts';
import { exampleFlow, freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';

const dir = new URL('../../../../schemas/webhooks/', import.meta.url);
const schemas = new Map(
  readdirSync(dir)
    .filter((f) => f.endsWith('.schema.json'))
    .map((f) => {
      const s = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { title: string };
      return [s.title, s] as const;
    }),
);

describe('webhook event payloads', () => {
  let client: DbClient;
  let runtime: Runtime;
  let sandbox: SandboxChannel;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    runtime = new Runtime({
      client,
      coord: createInProcessCoordinator(),
      log: pino({ level: 'silent' }),
      outbox: {
        pacing: { ratePerSec: 1000, burst: 1000 },
        backoff: { baseMs: 1, maxMs: 1 },
        maxAttempts: 1,
      },
    });
    await runtime.start();
  });
  afterAll(async () => {
    await runtime.stop();
    await client.close();
  });

  it('has one schema per documented event', () => {
    expect([...schemas.keys()].sort()).toEqual(
      [
        'campaign.completed',
        'campaign.recipient_failed',
        'campaign.started',
        'contact.erased',
        'conversation.completed',
        'conversation.started',
        'endpoint.disabled',
        'flow.published',
        'flow.webhook',
        'handoff.requested',
        'message.failed',
        'message.received',
        'message.sent',
        'number.status_changed',
        'webhook.test',
      ].sort(),
    );
  });

  it('emits payloads that match their schemas, for every event a conversation produces', async () => {
    const { workspaceId, numberId } = await seedNumberWithFlow(
      client,
      exampleFlow('support-handoff'),
    );
    const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');
    await client.db.insert(schema.webhookEndpoints).values({
      workspaceId,
      url: 'https://hooks.example.com/waflow',
      secret: keyring.encrypt('whsec_' + randomBytes(24).toString('base64')),
      events: ['*'],
    });
    sandbox = await runtime.attachSandbox(numberId);
    const say = async (from: string, text: string, replies: number) => {
      const before = sandbox.sent.filter((s) => s.message.to === from).length;
      sandbox.deliver({ from, text });
      await waitFor(
        () =>
          sandbox.sent.filter((s) => s.message.to === from).length >= before + replies
            ? true
            : undefined,
        15_000,
        `replies to ${text}`,
      );
    };
    // A ticket (the flow's own webhook block), then a rating that completes the conversation.
    await say('34600000001@c.us', 'I have a problem', 1);
    await say('34600000001@c.us', '12345', 1);
    await say('34600000001@c.us', '1', 2);
    await say('34600000001@c.us', '5', 1);
    // A handoff.
    await say('34600000002@c.us', 'order issue', 1);
    await say('34600000002@c.us', '54321', 1);
    await say('34600000002@c.us', '2', 1);
    // A reply WhatsApp refuses for good.
    sandbox.failNext = { count: 1, transient: false };
    sandbox.deliver({ from: '34600000003@c.us', text: 'support please' });
    await waitFor(
      async () =>
        (await client.db.select().from(schema.outbox).where(eq(schema.outbox.status, 'failed')))[0],
      15_000,
      'a failed send',
    );
    await runtime.idle();

    const deliveries = await waitFor(
      async () => {
        const rows = await client.db
          .select({
            type: schema.webhookDeliveries.eventType,
            payload: schema.webhookDeliveries.payload,
          })
          .from(schema.webhookDeliveries);
        return rows.some((r) => r.type === 'message.failed') ? rows : undefined;
      },
      15_000,
      'the deliveries',
    );
    const types = new Set(deliveries.map((d) => d.type));
    for (const t of [
      'conversation.started',
      'conversation.completed',
      'message.received',
      'message.sent',
      'message.failed',
      'number.status_changed',
      'handoff.requested',
      'support.ticket',
    ]) {
      expect(types, t).toContain(t);
    }
    for (const d of deliveries) {
      const s = schemas.get(d.type) ?? schemas.get('flow.webhook');
      const validate = ajv.compile(s as object);
      expect(
        validate(d.payload),
        `${d.type}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(d.payload)}`,
      ).toBe(true);
    }
    const ticket = deliveries.find((d) => d.type === 'support.ticket')?.payload as {
      data: Record<string, unknown>;
    };
    expect(ticket.data).toMatchObject({
      order: '12345',
      issue: 'It arrived damaged',
      contact: '34600000001@c.us',
    });

    // message.received carries the transcript line it announces.
    const [line] = await client.db
      .select()
      .from(schema.messages)
      .where(
        and(eq(schema.messages.direction, 'in'), eq(schema.messages.body, 'I have a problem')),
      );
    const received = deliveries.find(
      (d) =>
        d.type === 'message.received' &&
        (d.payload as { data: { text: string } }).data.text === 'I have a problem',
    )?.payload;
    expect(received).toEqual({
      id: `evt_in_${line?.id}`,
      type: 'message.received',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      data: {
        messageId: line?.id,
        numberId,
        conversationId: line?.conversationId,
        contact: '34600000001@c.us',
        type: 'text',
        text: 'I have a problem',
        waMessageId: line?.waMessageId,
      },
    });

    // An erased contact: the endpoint is told, in the event's schema.
    const [contact] = await client.db
      .select()
      .from(schema.contacts)
      .where(eq(schema.contacts.waId, '34600000003@c.us'));
    expect(
      await eraseContactData(client.db, runtime.coord, workspaceId, contact?.id ?? ''),
    ).toMatchObject({ conversations: 1 });
    const [erased] = await client.db
      .select({ payload: schema.webhookDeliveries.payload })
      .from(schema.webhookDeliveries)
      .where(eq(schema.webhookDeliveries.eventType, 'contact.erased'));
    const validateErased = ajv.compile(schemas.get('contact.erased') as object);
    expect(validateErased(erased?.payload), ajv.errorsText(validateErased.errors)).toBe(true);
    expect(erased?.payload).toMatchObject({
      type: 'contact.erased',
      data: { contactId: contact?.id, numberId, contact: '34600000003@c.us', conversations: 1 },
    });
  });
});
