// A campaign whose sends fail: each failed recipient keeps the reason and queues
// campaign.recipient_failed, the stop rule pauses the campaign, and every campaign event queued
// matches its published JSON Schema.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { eq, like } from 'drizzle-orm';
import pino from 'pino';
import { createInProcessCoordinator } from '@waflow/coord';
import { createKeyring, finishCampaign, schema, type DbClient } from '@waflow/db';
import { Runtime } from '../../src/runtime.ts';
import { askThenEndFlow, freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';
import { campaignStatus, countsOf, createCampaign, seedContacts } from './campaign-fixtures.ts';

const schemaOf = (event: string) =>
  JSON.parse(
    readFileSync(
      new URL(`../../../../schemas/webhooks/${event}.v1.schema.json`, import.meta.url),
      'utf8',
    ),
  ) as object;

describe('a campaign whose messages fail', () => {
  let client: DbClient;
  let runtime: Runtime;
  const coord = createInProcessCoordinator();
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    runtime = new Runtime({
      client,
      coord,
      pollMs: 50,
      outbox: { pacing: { ratePerSec: 100_000, burst: 100_000 }, maxAttempts: 1 },
      log: pino({ level: process.env.TEST_LOG ?? 'silent' }),
    });
    await runtime.start();
  });
  afterAll(async () => {
    await runtime.stop();
    await coord.close();
    await client.close();
  });

  it('pauses itself past its failure threshold and says why; its events match their schemas', async () => {
    const { workspaceId, numberId } = await seedNumberWithFlow(client, askThenEndFlow);
    const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');
    await client.db.insert(schema.webhookEndpoints).values({
      workspaceId,
      url: 'https://hooks.example.com/waflow',
      secret: keyring.encrypt('whsec_' + randomBytes(24).toString('base64')),
      events: ['*'],
    });
    const sandbox = await runtime.attachSandbox(numberId);
    sandbox.failNext = { count: 1000, transient: false };
    await seedContacts(client, workspaceId, numberId, 30);
    const id = await createCampaign(client, {
      workspaceId,
      numberIds: [numberId],
      content: { kind: 'message', text: 'hello' },
      // One at a time (the rate keeps the outbox behind the pacer), judged over 5 sends.
      settings: {
        pacing: { perMinute: 600, jitter: 0, dailyCap: null, window: null },
        stop: { threshold: 0.5, window: 5 },
      },
    });
    await waitFor(async () => (await campaignStatus(client, id)) === 'paused', 30_000, 'paused');
    const [c] = await client.db.select().from(schema.campaigns).where(eq(schema.campaigns.id, id));
    expect(c?.pausedReason).toMatch(
      /^Paused automatically: \d+ of the last 5 messages failed \(more than 50%\)/,
    );
    const counts = await countsOf(client, id);
    // Stopped long before the audience was used up.
    expect(counts.failed).toBeGreaterThanOrEqual(3);
    expect(counts.queued).toBeGreaterThan(15);
    const failed = await client.db
      .select({ reason: schema.campaignRecipients.reason })
      .from(schema.campaignRecipients)
      .where(eq(schema.campaignRecipients.status, 'failed'));
    expect(failed.every((f) => f.reason === 'sandbox send failure (requested by a test)')).toBe(
      true,
    );

    // Cancelled: those not yet handed over are skipped, and campaign.completed says cancelled.
    await client.db.transaction((tx) =>
      finishCampaign(tx, { id, workspaceId, name: 'Test campaign' }, 'cancelled', new Date()),
    );
    // One already handed to the outbox still goes out (and reports back) after the cancel.
    const after = await waitFor(
      async () => {
        const now = await countsOf(client, id);
        return now.queued === undefined ? now : undefined;
      },
      15_000,
      'every recipient settled',
    );
    expect(after.skipped).toBeGreaterThan(15);
    const deliveries = await client.db
      .select({
        type: schema.webhookDeliveries.eventType,
        payload: schema.webhookDeliveries.payload,
      })
      .from(schema.webhookDeliveries)
      .where(like(schema.webhookDeliveries.eventType, 'campaign.%'));
    const types = new Set(deliveries.map((d) => d.type));
    expect([...types].sort()).toEqual([
      'campaign.completed',
      'campaign.recipient_failed',
      'campaign.started',
    ]);
    // One event per failed recipient, those failed after the cancel included.
    expect(deliveries.filter((d) => d.type === 'campaign.recipient_failed').length).toBe(
      after.failed,
    );
    const validators = new Map<string, ReturnType<typeof ajv.compile>>();
    for (const d of deliveries) {
      const validate = validators.get(d.type) ?? ajv.compile(schemaOf(d.type));
      validators.set(d.type, validate);
      expect(validate(d.payload), `${d.type}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    const done = deliveries.find((d) => d.type === 'campaign.completed')?.payload as {
      data: { status: string };
    };
    expect(done.data.status).toBe('cancelled');
  });
});
