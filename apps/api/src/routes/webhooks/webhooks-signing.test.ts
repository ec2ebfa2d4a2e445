// What webhook endpoints are sent, delivered by the real runtime deliverer to a local receiver and
// verified with the official standardwebhooks library: a signed test event, rotation with both
// signatures during the grace period, and every event in the shape its JSON Schema publishes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { schema } from '@waflow/db';
import { Receiver, until, type Harness, type Json } from '../integrations/test-harness.ts';
import { startWebhooks, webhookCalls } from './webhooks-test-harness.ts';

describe('webhook endpoints: signing and event shapes', () => {
  let h: Harness;
  let base = '';
  const { create, sendTest } = webhookCalls(
    () => h,
    () => base,
  );
  beforeAll(async () => {
    ({ h, base } = await startWebhooks());
  });
  afterAll(async () => {
    await h.close();
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
});
