// Webhook deliveries through the API on real Postgres with the real runtime deliverer: the attempt
// log, an endpoint disabled by a 410, one delivery replayed with its webhook-id, and recovery of
// the failures since a time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { schema } from '@waflow/db';
import { Receiver, until, type Harness, type Json } from '../integrations/test-harness.ts';
import { startWebhooks, webhookCalls } from './webhooks-test-harness.ts';

describe('webhook endpoints: deliveries', () => {
  let h: Harness;
  let base = '';
  const { create, sendTest, deliveries } = webhookCalls(
    () => h,
    () => base,
  );
  beforeAll(async () => {
    ({ h, base } = await startWebhooks());
  });
  afterAll(async () => {
    await h.close();
  });

  it('logs every attempt with its status, latency and the response body cut to 1 KB', async () => {
    const { id } = await create('/flaky');
    h.receiver.answers.set('/flaky', { status: 500, body: 'x'.repeat(5000) });
    const { deliveryId } = await sendTest(id);
    const d = await until(
      async () =>
        (await deliveries(id)).items.find((x) => x.id === deliveryId && x.attemptLog.length > 0),
      'the first attempt',
    );
    expect(d.status).toBe('pending');
    expect(d.lastResponseCode).toBe(500);
    expect(d.attemptLog[0]).toMatchObject({
      statusCode: 500,
      latencyMs: expect.any(Number),
      error: null,
    });
    expect(String(d.attemptLog[0]?.responseBody)).toHaveLength(1024);
    const ep = (await h.call('GET', `${base}/${id}`, { token: h.admin })).body;
    expect(ep.consecutiveFailures).toBe(1);
    expect(ep.failingSince).not.toBeNull();
    expect(
      (await h.call('GET', `${base}/${id}/deliveries?status=nope`, { token: h.admin })).status,
    ).toBe(400);
  });

  it('disables an endpoint that answers 410, and enabling it again clears its failures', async () => {
    const { id } = await create('/gone');
    h.receiver.answers.set('/gone', { status: 410 });
    await sendTest(id);
    const disabled = await until(async () => {
      const e = (await h.call('GET', `${base}/${id}`, { token: h.admin })).body;
      return e.enabled === false ? e : undefined;
    }, 'the endpoint disabled');
    expect(disabled.disabledReason).toMatch(/410/);
    h.receiver.answers.delete('/gone');
    const enabled = await h.call('PATCH', `${base}/${id}`, {
      token: h.admin,
      body: { enabled: true },
    });
    expect(enabled.body).toMatchObject({
      enabled: true,
      consecutiveFailures: 0,
      failingSince: null,
      disabledReason: null,
    });
  });

  it('replays one delivery with its original webhook-id', async () => {
    const { id, secret } = await create('/replay');
    const { deliveryId, eventId } = await sendTest(id);
    await until(() => h.receiver.of('webhook.test', '/replay')[0], 'the first delivery');
    await until(
      async () => ((await deliveries(id, '?status=delivered')).items[0] ? true : undefined),
      'delivered status',
    );
    const replay = await h.call('POST', `${base}/deliveries/${deliveryId}/replay`, {
      token: h.admin,
    });
    expect(replay.status).toBe(202);
    const again = await until(() => h.receiver.of('webhook.test', '/replay')[1], 'the replay');
    expect(Receiver.signed(again)['webhook-id']).toBe(eventId);
    expect(new Webhook(secret).verify(again.body, Receiver.signed(again))).toMatchObject({
      id: eventId,
    });
    expect(
      (
        await h.call('POST', `${base}/deliveries/00000000-0000-4000-8000-000000000000/replay`, {
          token: h.admin,
        })
      ).status,
    ).toBe(404);
    // A delivery still queued is not queued twice.
    const [waiting] = await h.client.db
      .insert(schema.webhookDeliveries)
      .values({
        endpointId: id,
        eventId: 'evt_waiting',
        eventType: 'webhook.test',
        payload: {},
        status: 'pending',
        attempts: 2,
        nextAttemptAt: new Date(Date.now() + 3600_000),
      })
      .returning();
    const queued = await h.call('POST', `${base}/deliveries/${waiting?.id}/replay`, {
      token: h.admin,
    });
    expect(queued.status).toBe(409);
    expect((queued.body.error as Json).code).toBe('DELIVERY_QUEUED');
    const [unchanged] = await h.client.db
      .select()
      .from(schema.webhookDeliveries)
      .where(eq(schema.webhookDeliveries.id, waiting?.id ?? ''));
    expect(unchanged?.attempts).toBe(2);
  });

  it('recovers every failed delivery since a time, each with its webhook-id, and leaves older ones', async () => {
    const { id } = await create('/recover');
    const now = Date.now();
    const since = new Date(now - 3600_000);
    const row = (eventId: string, createdAt: Date, status: 'failed' | 'delivered') => ({
      endpointId: id,
      eventId,
      eventType: 'webhook.test',
      payload: {
        id: eventId,
        type: 'webhook.test',
        timestamp: createdAt.toISOString(),
        data: { message: eventId },
      },
      status,
      attempts: 8,
      createdAt,
      nextAttemptAt: createdAt,
    });
    await h.client.db
      .insert(schema.webhookDeliveries)
      .values([
        row('evt_old', new Date(now - 2 * 3600_000), 'failed'),
        row('evt_recent_1', new Date(now - 30 * 60_000), 'failed'),
        row('evt_recent_2', new Date(now - 10 * 60_000), 'failed'),
        row('evt_ok', new Date(now - 20 * 60_000), 'delivered'),
      ]);
    expect(
      (
        await h.call('POST', `${base}/${id}/recover`, {
          token: h.admin,
          body: { since: new Date(now + 3600_000).toISOString() },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await h.call('POST', `${base}/${id}/recover`, {
          token: h.admin,
          body: { since: 'yesterday' },
        })
      ).status,
    ).toBe(400);
    const r = await h.call('POST', `${base}/${id}/recover`, {
      token: h.admin,
      body: { since: since.toISOString() },
    });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ queued: 2 });
    await until(
      () => (h.receiver.of('webhook.test', '/recover').length >= 2 ? true : undefined),
      'the recovered deliveries',
    );
    await h.runtime.idle();
    expect(
      h.receiver
        .of('webhook.test', '/recover')
        .map((x) => x.headers['webhook-id'])
        .sort(),
    ).toEqual(['evt_recent_1', 'evt_recent_2']);
    const [old] = await h.client.db
      .select()
      .from(schema.webhookDeliveries)
      .where(
        and(
          eq(schema.webhookDeliveries.endpointId, id),
          eq(schema.webhookDeliveries.eventId, 'evt_old'),
        ),
      );
    expect(old?.status).toBe('failed');
    const audits = await h.client.db
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.entityId, id), eq(schema.auditLog.action, 'webhook.recover')));
    expect(audits).toHaveLength(1);
  });
});
