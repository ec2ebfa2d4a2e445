// Webhook delivery against a real local receiver (127.0.0.1, allowed explicitly) on real Postgres,
// with a fake clock: success with a verifiable signature, 500, 429 + Retry-After, 410, 302, the
// whole retry schedule, and rows a dead process left half-delivered.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { createKeyring, createWorkspace, schema, type DbClient } from '@waflow/db';
import { createEgressClient, defaultEgressPolicy } from '@waflow/egress';
import { WebhookDeliverer } from '../../src/integrations/webhooks/deliverer.ts';
import { enqueueWebhookEvent } from '@waflow/db';
import { generateWebhookSecret } from '@waflow/egress';
import { RETRY_SCHEDULE_MS } from '../../src/integrations/webhooks/delivery-policy.ts';
import { freshDatabase } from '../fixtures.ts';

interface Received {
  headers: Record<string, string>;
  body: string;
}

describe('webhook deliverer', () => {
  let client: DbClient;
  let server: Server;
  let port = 0;
  let reply: { status: number; headers?: Record<string, string> } = { status: 200 };
  const received: Received[] = [];
  const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');
  const egress = createEgressClient({ allowHosts: [], allowCidrs: ['127.0.0.0/8'] });
  let clock = Date.now();
  let workspaceId = '';
  const deliverer = () =>
    new WebhookDeliverer({
      db: client.db,
      keyring,
      egress,
      log: pino({ level: 'silent' }),
      now: () => clock,
      random: () => 0.5,
    });
  /** One tick, waiting for the attempts it started. */
  const deliverOnce = async (d = deliverer()) => {
    const started = await d.tick();
    await d.idle();
    return started;
  };

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    workspaceId = (await createWorkspace(client.db, 'hooks')).id;
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push({
          headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
          body,
        });
        res.writeHead(reply.status, reply.headers ?? {}).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await egress.close();
    await new Promise<void>((r) => server.close(() => r()));
    await client.close();
  });
  beforeEach(() => {
    received.length = 0;
    reply = { status: 200 };
  });

  async function endpointWithEvent(
    events: string[] = ['*'],
    url = `http://127.0.0.1:${port}/hook`,
  ) {
    const secret = generateWebhookSecret();
    const [ep] = await client.db
      .insert(schema.webhookEndpoints)
      .values({
        workspaceId,
        url,
        secret: keyring.encrypt(secret),
        events,
      })
      .returning();
    if (!ep) throw new Error('no endpoint');
    const eventId = `evt_${randomBytes(6).toString('hex')}`;
    await enqueueWebhookEvent(client.db, {
      id: eventId,
      type: 'lead.captured',
      workspaceId,
      occurredAt: new Date(clock),
      data: {
        conversationId: randomUUID(),
        contact: '34600000001@c.us',
        flowId: null,
        email: 'ana@example.com',
      },
    });
    const [delivery] = await client.db
      .select()
      .from(schema.webhookDeliveries)
      .where(eq(schema.webhookDeliveries.endpointId, ep.id));
    if (!delivery) throw new Error('no delivery');
    return { ep, secret, delivery };
  }
  const deliveryOf = async (id: string) =>
    (
      await client.db
        .select()
        .from(schema.webhookDeliveries)
        .where(eq(schema.webhookDeliveries.id, id))
    )[0];

  it('delivers a payload the receiver can verify with the official library', async () => {
    const { secret, delivery } = await endpointWithEvent();
    reply = { status: 204 };
    expect(await deliverOnce()).toBeGreaterThanOrEqual(1);
    const got = received.find((r) => r.headers['webhook-id'] === delivery.eventId);
    expect(got).toBeDefined();
    const wh = new Webhook(secret);
    // The library checks the timestamp against its own clock: verify at our fake time.
    const payload = wh.verify(got?.body ?? '', {
      ...got?.headers,
      'webhook-timestamp': String(Math.floor(clock / 1000)),
    } as Record<string, string>) as { type: string; data: unknown };
    expect(payload).toMatchObject({
      id: delivery.eventId,
      type: 'lead.captured',
      data: { email: 'ana@example.com' },
    });
    expect(await deliveryOf(delivery.id)).toMatchObject({
      status: 'delivered',
      lastResponseCode: 204,
      attempts: 1,
    });
  });

  it('retries a 500 on the schedule, attempt after attempt, then gives up', async () => {
    const { delivery } = await endpointWithEvent();
    reply = { status: 500 };
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const d = await deliveryOf(delivery.id);
      if (d?.status !== 'pending') break;
      clock = Math.max(clock, d.nextAttemptAt.getTime());
      times.push(clock);
      await deliverOnce();
    }
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(gaps).toEqual(RETRY_SCHEDULE_MS.slice(1));
    const attempts = await client.db
      .select()
      .from(schema.webhookAttempts)
      .where(eq(schema.webhookAttempts.deliveryId, delivery.id));
    expect(attempts).toHaveLength(8);
    expect(attempts.every((a) => a.statusCode === 500)).toBe(true);
    expect(await deliveryOf(delivery.id)).toMatchObject({ status: 'failed', attempts: 8 });
  });

  it('waits as long as Retry-After says on a 429', async () => {
    const { delivery } = await endpointWithEvent();
    reply = { status: 429, headers: { 'retry-after': '120' } };
    await deliverOnce();
    expect((await deliveryOf(delivery.id))?.nextAttemptAt.getTime()).toBe(clock + 120_000);
  });

  it('disables the endpoint on 410 Gone', async () => {
    const { ep, delivery } = await endpointWithEvent();
    reply = { status: 410 };
    await deliverOnce();
    expect(await deliveryOf(delivery.id)).toMatchObject({
      status: 'failed',
      lastResponseCode: 410,
    });
    const [after] = await client.db
      .select()
      .from(schema.webhookEndpoints)
      .where(eq(schema.webhookEndpoints.id, ep.id));
    expect(after).toMatchObject({
      enabled: false,
      disabledReason: 'the endpoint answered 410 Gone',
    });
  });

  it('does not follow a 302 and counts it as a failure', async () => {
    const { delivery } = await endpointWithEvent();
    reply = { status: 302, headers: { location: 'http://169.254.169.254/' } };
    await deliverOnce();
    expect(received.filter((r) => r.headers['webhook-id'] === delivery.eventId)).toHaveLength(1);
    const d = await deliveryOf(delivery.id);
    expect(d).toMatchObject({ status: 'pending', lastResponseCode: 302 });
    expect(d?.lastError).toMatch(/redirects are not followed/);
  });

  it('puts back a delivery a dead process left half-done, keeping its webhook-id', async () => {
    const { delivery } = await endpointWithEvent();
    await client.db
      .update(schema.webhookDeliveries)
      .set({ status: 'delivering', attempts: 1 })
      .where(eq(schema.webhookDeliveries.id, delivery.id));
    const d = deliverer();
    expect(await d.recover()).toBeGreaterThanOrEqual(1);
    await deliverOnce(d);
    expect(received.map((r) => r.headers['webhook-id'])).toContain(delivery.eventId);
    expect(await deliveryOf(delivery.id)).toMatchObject({ status: 'delivered' });
  });

  it('keeps attempts 30 days, then prunes them', async () => {
    const { delivery } = await endpointWithEvent();
    await deliverOnce();
    const attempts = () =>
      client.db
        .select()
        .from(schema.webhookAttempts)
        .where(eq(schema.webhookAttempts.deliveryId, delivery.id));
    expect(await attempts()).toHaveLength(1);
    clock += 29 * 24 * 3600_000;
    await deliverer().pruneAttempts();
    expect(await attempts()).toHaveLength(1);
    clock += 2 * 24 * 3600_000;
    expect(await deliverer().pruneAttempts()).toBeGreaterThanOrEqual(1);
    expect(await attempts()).toHaveLength(0);
  });

  it('fails a delivery the address policy refuses at once, with the reason, and never retries it', async () => {
    // The endpoint was saved while its name resolved to a public address; it now resolves to
    // loopback, which the policy (nothing allowed) refuses at delivery time.
    const refusing = createEgressClient(defaultEgressPolicy, async (host) =>
      host === 'hooks.example.com' ? [{ address: '127.0.0.1', family: 4 }] : [],
    );
    const d = new WebhookDeliverer({
      db: client.db,
      keyring,
      egress: refusing,
      log: pino({ level: 'silent' }),
      now: () => clock,
      random: () => 0.5,
    });
    const { delivery } = await endpointWithEvent(['*'], `http://hooks.example.com:${port}/hook`);
    await deliverOnce(d);
    await refusing.close();
    const reason =
      'hooks.example.com resolves to 127.0.0.1, a loopback address: deliveries there are refused (allow it with WAFLOW_EGRESS_ALLOW_CIDRS)';
    expect(await deliveryOf(delivery.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: `${reason}; not retried: the address policy refuses it every time`,
    });
    const attempts = await client.db
      .select()
      .from(schema.webhookAttempts)
      .where(eq(schema.webhookAttempts.deliveryId, delivery.id));
    expect(attempts.map((a) => a.error)).toEqual([reason]);
    expect(received.filter((r) => r.headers['webhook-id'] === delivery.eventId)).toHaveLength(0);
  });
});
