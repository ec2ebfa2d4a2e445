// Webhook endpoints through the API on real Postgres, delivered by the real runtime deliverer to a
// local receiver and verified with the official standardwebhooks library: the secret shown once
// and stored encrypted, SSRF URLs refused, rotation with both signatures during the grace period,
// the attempt log, replay with the same webhook-id, recovery of failures since a time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { schema } from '@waflow/db';
import { createApp } from '../../app.ts';
import {
  Receiver,
  startHarness,
  until,
  type Harness,
  type Json,
} from '../integrations/test-harness.ts';

describe('webhook endpoints', () => {
  let h: Harness;
  let base = '';
  beforeAll(async () => {
    h = await startHarness();
    base = `/api/v1/workspaces/${h.ws}/webhooks`;
  });
  afterAll(async () => {
    await h.close();
  });

  const create = async (path: string, events: string[] = ['*']) => {
    const r = await h.call('POST', base, {
      token: h.admin,
      body: { url: `${h.receiver.url}${path}`, events, description: path },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: r.body.id as string, secret: r.body.secret as string };
  };
  const sendTest = async (id: string) => {
    const r = await h.call('POST', `${base}/${id}/test`, { token: h.admin });
    expect(r.status).toBe(202);
    return r.body as { deliveryId: string; eventId: string };
  };
  const deliveries = async (id: string, query = '') =>
    (await h.call('GET', `${base}/${id}/deliveries${query}`, { token: h.admin })).body as {
      items: (Json & { id: string; eventId: string; status: string; attemptLog: Json[] })[];
      nextCursor: string | null;
    };

  it('refuses URLs that point inside the network with a 422 saying how to allow them', async () => {
    // The operator's default: no private ranges allowed at all.
    const strict = createApp({
      client: h.client,
      keyring: h.keyring,
      log: pino({ level: 'silent' }),
      runtime: h.runtime,
    });
    const vectors = [
      'http://127.0.0.1:8080/hook',
      'http://localhost:8080/hook',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://127.1/',
      'http://017700000001/',
      'http://[::1]:8080/',
      'http://[::ffff:169.254.169.254]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5/x',
      'http://192.168.1.1/x',
      'http://100.64.0.1/x',
      'http://[fd00::1]/x',
    ];
    for (const url of vectors) {
      const res = await strict.request(base, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url, events: ['*'] }),
      });
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(res.status, url).toBe(422);
      expect(body.error.code, url).toBe('URL_NOT_ALLOWED');
      expect(body.error.message, url).toMatch(/not a public address.*WAFLOW_EGRESS_ALLOW_CIDRS/);
    }
    // Allowed through WAFLOW_EGRESS_ALLOW_CIDRS=127.0.0.0/8 (the harness's app): loopback passes,
    // the metadata address stays refused.
    expect(
      (
        await h.call('POST', base, {
          token: h.admin,
          body: { url: 'http://169.254.169.254/', events: ['*'] },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await h.call('POST', base, {
          token: h.admin,
          body: { url: 'ftp://example.com/x', events: ['*'] },
        })
      ).status,
    ).toBeGreaterThanOrEqual(400);
    expect(
      (await h.call('POST', base, { token: h.admin, body: { url: 'not a url', events: ['*'] } }))
        .status,
    ).toBe(400);
    const withPassword = await h.call('POST', base, {
      token: h.admin,
      body: { url: `${h.receiver.url.replace('://', '://crm:hunter2@')}/x`, events: ['*'] },
    });
    expect(withPassword.status).toBe(400);
    expect(JSON.stringify(withPassword.body)).toMatch(/user:password/);
    const { id } = await create('/ssrf');
    const patched = await h.call('PATCH', `${base}/${id}`, {
      token: h.admin,
      body: { url: 'http://169.254.169.254/' },
    });
    expect(patched.status).toBe(422);
    expect((await h.call('GET', `${base}/${id}`, { token: h.admin })).body.url).toBe(
      `${h.receiver.url}/ssrf`,
    );
  });

  it('shows the secret once, stores it encrypted, and never lists or audits it', async () => {
    const { id, secret } = await create('/once', ['conversation.completed', 'lead.captured']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    const [row] = await h.client.db
      .select()
      .from(schema.webhookEndpoints)
      .where(eq(schema.webhookEndpoints.id, id));
    expect(row?.secret).not.toContain(secret.slice(6, 20));
    expect(h.keyring.decryptText(row?.secret ?? '')).toBe(secret);
    const one = await h.call('GET', `${base}/${id}`, { token: h.admin });
    expect(one.body).toMatchObject({
      id,
      events: ['conversation.completed', 'lead.captured'],
      enabled: true,
    });
    expect(one.body).not.toHaveProperty('secret');
    const list = await h.call('GET', base, { token: h.admin });
    expect((list.body.items as Json[]).some((e) => e.id === id)).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain(secret.slice(6));
    const audits = await h.client.db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.entityId, id));
    expect(audits.map((a) => a.action)).toContain('webhook.create');
    expect(JSON.stringify(audits)).not.toContain(secret.slice(6));
    // Event names: platform events, flow block events, or * — nothing else.
    expect(
      (
        await h.call('POST', base, {
          token: h.admin,
          body: { url: `${h.receiver.url}/x`, events: ['Not An Event'] },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await h.call('POST', base, {
          token: h.admin,
          body: { url: `${h.receiver.url}/x`, events: [] },
        })
      ).status,
    ).toBe(400);
  });

  it('pages the endpoint list newest first', async () => {
    const first = await h.call('GET', `${base}?limit=1`, { token: h.admin });
    expect((first.body.items as Json[]).length).toBe(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await h.call('GET', `${base}?limit=1&cursor=${String(first.body.nextCursor)}`, {
      token: h.admin,
    });
    expect((second.body.items as Json[])[0]?.id).not.toBe((first.body.items as Json[])[0]?.id);
    expect((await h.call('GET', `${base}?cursor=garbage`, { token: h.admin })).status).toBe(400);
  });

  it('sends a test event to that endpoint only, signed so that standardwebhooks verifies it', async () => {
    const a = await create('/signed');
    await create('/bystander');
    const { eventId } = await sendTest(a.id);
    const got = await until(() => h.receiver.of('webhook.test', '/signed')[0], 'the test event');
    const headers = Receiver.signed(got);
    expect(headers['webhook-id']).toBe(eventId);
    const verified = new Webhook(a.secret).verify(got.body, headers) as Json;
    expect(verified).toMatchObject({
      id: eventId,
      type: 'webhook.test',
      data: { message: expect.any(String) },
    });
    expect(() => new Webhook(a.secret).verify(got.body.replace('test', 'tesT'), headers)).toThrow();
    const other = (
      await h.call('POST', base, {
        token: h.admin,
        body: { url: `${h.receiver.url}/other`, events: ['*'] },
      })
    ).body.secret as string;
    expect(() => new Webhook(other).verify(got.body, headers)).toThrow();
    await h.runtime.idle();
    expect(h.receiver.of('webhook.test', '/bystander')).toEqual([]);
    // A disabled endpoint is not sent tests.
    await h.call('PATCH', `${base}/${a.id}`, { token: h.admin, body: { enabled: false } });
    expect((await h.call('POST', `${base}/${a.id}/test`, { token: h.admin })).status).toBe(409);
  });

  it('rotates the secret: the new one is shown once and both sign during the grace period, then only the new one', async () => {
    const { id, secret: old } = await create('/rotate');
    const rotated = await h.call('POST', `${base}/${id}/rotate-secret`, { token: h.admin });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    const until24h = new Date(rotated.body.previousSecretUntil as string).getTime() - Date.now();
    expect(until24h).toBeGreaterThan(23 * 3600_000);
    expect(until24h).toBeLessThanOrEqual(24 * 3600_000);
    expect(
      JSON.stringify(
        await h.client.db.select().from(schema.auditLog).where(eq(schema.auditLog.entityId, id)),
      ),
    ).not.toContain(fresh.slice(6));

    await sendTest(id);
    const during = Receiver.signed(
      await until(
        () => h.receiver.of('webhook.test', '/rotate')[0],
        'a test event during the grace period',
      ),
    );
    expect(during['webhook-signature'].split(' ')).toHaveLength(2);
    const body = h.receiver.of('webhook.test', '/rotate')[0]?.body ?? '';
    expect(new Webhook(fresh).verify(body, during)).toBeTruthy();
    expect(new Webhook(old).verify(body, during)).toBeTruthy();

    // The grace period over: only the new secret signs.
    await h.client.db
      .update(schema.webhookEndpoints)
      .set({ previousSecretUntil: new Date(Date.now() - 1000) })
      .where(eq(schema.webhookEndpoints.id, id));
    await sendTest(id);
    const after = await until(
      () => h.receiver.of('webhook.test', '/rotate')[1],
      'a test event after the grace period',
    );
    const afterHeaders = Receiver.signed(after);
    expect(afterHeaders['webhook-signature'].split(' ')).toHaveLength(1);
    expect(new Webhook(fresh).verify(after.body, afterHeaders)).toBeTruthy();
    expect(() => new Webhook(old).verify(after.body, afterHeaders)).toThrow();
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

  it('answers 404 for another workspace’s endpoints and deliveries, and 403 below admin', async () => {
    const other = await h.otherWorkspace();
    const [theirs] = await h.client.db
      .insert(schema.webhookEndpoints)
      .values({
        workspaceId: other.ws,
        url: 'https://example.com/h',
        events: ['*'],
        secret: h.keyring.encrypt('whsec_' + 'A'.repeat(40)),
      })
      .returning();
    const [delivery] = await h.client.db
      .insert(schema.webhookDeliveries)
      .values({
        endpointId: theirs?.id ?? '',
        eventId: 'evt_theirs',
        eventType: 'webhook.test',
        payload: {},
        status: 'failed',
      })
      .returning();
    for (const [method, path] of [
      ['GET', `${base}/${theirs?.id}`],
      ['PATCH', `${base}/${theirs?.id}`],
      ['DELETE', `${base}/${theirs?.id}`],
      ['POST', `${base}/${theirs?.id}/rotate-secret`],
      ['POST', `${base}/${theirs?.id}/test`],
      ['GET', `${base}/${theirs?.id}/deliveries`],
      ['POST', `${base}/${theirs?.id}/recover`],
      ['POST', `${base}/deliveries/${delivery?.id}/replay`],
    ] as const) {
      const body =
        method === 'PATCH'
          ? { enabled: true }
          : path.endsWith('/recover')
            ? { since: new Date().toISOString() }
            : undefined;
      expect(
        (await h.call(method, path, { token: h.admin, ...(body ? { body } : {}) })).status,
        `${method} ${path}`,
      ).toBe(404);
    }
    const [still] = await h.client.db
      .select()
      .from(schema.webhookEndpoints)
      .where(eq(schema.webhookEndpoints.id, theirs?.id ?? ''));
    expect(still?.secret).toBe(theirs?.secret);

    const editor = await h.member('editor');
    expect((await h.call('GET', base, { token: editor })).status).toBe(200);
    expect(
      (
        await h.call('POST', base, {
          token: editor,
          body: { url: `${h.receiver.url}/e`, events: ['*'] },
        })
      ).status,
    ).toBe(403);
  });

  it('sends the events the API and the deliverer produce in the shape their JSON Schemas publish', async () => {
    const dir = new URL('../../../../../schemas/webhooks/', import.meta.url);
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validators = new Map(
      readdirSync(dir)
        .filter((f) => f.endsWith('.schema.json'))
        .map((f) => {
          const schemaJson = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { title: string };
          return [schemaJson.title, ajv.compile(schemaJson)] as const;
        }),
    );
    const { id } = await create('/schemas');
    await sendTest(id);
    // flow.published: a new version through the API.
    expect(
      (
        await h.call('POST', `/api/v1/workspaces/${h.ws}/flows/${h.flowId}/publish`, {
          token: h.admin,
          body: { changelog: 'Same again' },
        })
      ).status,
    ).toBe(201);
    // endpoint.disabled: another endpoint of the workspace answers 410.
    const gone = await create('/gone-too', ['webhook.test']);
    h.receiver.answers.set('/gone-too', { status: 410 });
    await sendTest(gone.id);
    const rows = await until(async () => {
      const r = await h.client.db
        .select({
          type: schema.webhookDeliveries.eventType,
          payload: schema.webhookDeliveries.payload,
        })
        .from(schema.webhookDeliveries)
        .where(eq(schema.webhookDeliveries.endpointId, id));
      return r.some((x) => x.type === 'endpoint.disabled') ? r : undefined;
    }, 'the endpoint.disabled event');
    expect(new Set(rows.map((r) => r.type))).toEqual(
      new Set(['webhook.test', 'flow.published', 'endpoint.disabled']),
    );
    for (const r of rows) {
      const validate = validators.get(r.type);
      expect(validate, `a schema for ${r.type}`).toBeDefined();
      expect(
        validate?.(r.payload),
        `${r.type}: ${ajv.errorsText(validate?.errors)} in ${JSON.stringify(r.payload)}`,
      ).toBe(true);
    }
    expect(rows.find((r) => r.type === 'endpoint.disabled')?.payload).toMatchObject({
      data: { endpointId: gone.id, reason: expect.stringMatching(/410/) },
    });
  });

  it('removes an endpoint with its delivery log', async () => {
    const { id } = await create('/remove');
    await sendTest(id);
    expect((await h.call('DELETE', `${base}/${id}`, { token: h.admin })).status).toBe(204);
    expect((await h.call('GET', `${base}/${id}`, { token: h.admin })).status).toBe(404);
    expect(
      await h.client.db
        .select()
        .from(schema.webhookDeliveries)
        .where(eq(schema.webhookDeliveries.endpointId, id)),
    ).toEqual([]);
  });
});
