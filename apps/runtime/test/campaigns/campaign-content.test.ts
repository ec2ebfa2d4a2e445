// What a campaign sends, through the runtime on a sandbox number: an approved template with its
// {{n}} filled from each contact (the outbox holds the template for channels that have them; the
// sandbox, like WhatsApp Web, sends the filled body), and a flow started with its variables taken
// from the contact's name and attributes.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { createInProcessCoordinator } from '@waflow/coord';
import { createFlow, publishFlowVersion, schema, type DbClient } from '@waflow/db';
import { Runtime } from '../../src/runtime.ts';
import type { SandboxChannel } from '../../src/channels/sandbox/sandbox-channel.ts';
import { askThenEndFlow, freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';
import { countsOf, createCampaign } from './campaign-fixtures.ts';

const FAST = { pacing: { perMinute: 6000, jitter: 0, dailyCap: null, window: null } };

/** Greets by the variables a campaign sets, then ends. */
const greetFlow = {
  schemaVersion: 1,
  name: 'Greet',
  triggers: [{ type: 'any' }],
  variables: [
    { name: 'who', type: 'string' },
    { name: 'city', type: 'string' },
  ],
  start: 'bye',
  nodes: [{ id: 'bye', type: 'end', message: 'Hi {{who}}, see you in {{city}}' }],
};

describe('campaign content', () => {
  let client: DbClient;
  let runtime: Runtime;
  let ws = '';
  let numberId = '';
  let channel: SandboxChannel;
  const coord = createInProcessCoordinator();
  const contactIds: string[] = [];

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    ({ workspaceId: ws, numberId } = await seedNumberWithFlow(client, askThenEndFlow));
    const rows = await client.db
      .insert(schema.contacts)
      .values([
        { workspaceId: ws, waId: '34670000001@c.us', name: 'Ana', attributes: { city: 'Madrid' } },
        { workspaceId: ws, waId: '34670000002@c.us', name: null, attributes: {} },
      ])
      .returning({ id: schema.contacts.id });
    contactIds.push(...rows.map((r) => r.id));
    runtime = new Runtime({
      client,
      coord,
      pollMs: 50,
      recoverMs: 500,
      log: pino({ level: process.env.TEST_LOG ?? 'silent' }),
    });
    await runtime.start();
    channel = await runtime.attachSandbox(numberId);
  });
  afterAll(async () => {
    await runtime.stop();
    await coord.close();
    await client.close();
  });

  const textsTo = (waId: string) =>
    channel.sent
      .filter((s) => s.message.to === waId)
      .map((s) => (s.message.type === 'text' ? s.message.text : s.message.type));

  it('sends a template filled from each contact, kept as a template for the channels that have them', async () => {
    const id = await createCampaign(client, {
      workspaceId: ws,
      numberIds: [numberId],
      audience: { kind: 'contacts', contactIds },
      content: {
        kind: 'template',
        name: 'visit_reminder',
        language: 'es',
        text: 'Hola {{1}}, te esperamos en {{2}}.',
        parameters: ['name', 'attributes.city'],
      },
      settings: FAST,
    });
    await waitFor(async () => (await countsOf(client, id)).sent === 2, 20_000, 'both sent');
    expect(textsTo('34670000001@c.us')).toEqual(['Hola Ana, te esperamos en Madrid.']);
    expect(textsTo('34670000002@c.us')).toEqual(['Hola -, te esperamos en -.']);
    const payloads = await client.db
      .select({ payload: schema.outbox.payload })
      .from(schema.outbox)
      .where(sql`${schema.outbox.idempotencyKey} like 'campaign:%'`);
    const byTo = payloads
      .map((p) => p.payload as { to: string })
      .sort((a, b) => (a.to < b.to ? -1 : 1));
    expect(byTo).toEqual([
      {
        to: '34670000001@c.us',
        type: 'template',
        name: 'visit_reminder',
        language: 'es',
        parameters: ['Ana', 'Madrid'],
        text: 'Hola Ana, te esperamos en Madrid.',
      },
      {
        to: '34670000002@c.us',
        type: 'template',
        name: 'visit_reminder',
        language: 'es',
        parameters: ['-', '-'],
        text: 'Hola -, te esperamos en -.',
      },
    ]);
    // The transcript shows what the contact read.
    const [msg] = await client.db
      .select({ body: schema.messages.body, author: schema.messages.author })
      .from(schema.messages)
      .where(eq(schema.messages.body, 'Hola Ana, te esperamos en Madrid.'));
    expect(msg).toEqual({ body: 'Hola Ana, te esperamos en Madrid.', author: 'campaign' });
  });

  it('starts a flow with its variables from the contact’s name and attributes', async () => {
    const flow = await createFlow(client.db, { workspaceId: ws, name: 'Greet', draft: greetFlow });
    await publishFlowVersion(client.db, { flowId: flow.id, config: greetFlow });
    const id = await createCampaign(client, {
      workspaceId: ws,
      numberIds: [numberId],
      audience: { kind: 'contacts', contactIds: contactIds.slice(0, 1) },
      content: {
        kind: 'flow',
        flowId: flow.id,
        variables: { who: 'name', city: 'attributes.city' },
      },
      settings: FAST,
    });
    await waitFor(async () => (await countsOf(client, id)).sent === 1, 20_000, 'the flow started');
    await waitFor(
      () => textsTo('34670000001@c.us').includes('Hi Ana, see you in Madrid') || undefined,
      20_000,
      'the greeting',
    );
  });
});
