// Webhook endpoints through the API on real Postgres: SSRF URLs refused, the secret shown once and
// stored encrypted, the list paged, other workspaces' endpoints and members below admin kept out,
// and an endpoint removed with its delivery log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { schema } from '@waflow/db';
import { createApp } from '../../app.ts';
import type { Harness, Json } from '../integrations/test-harness.ts';
import { startWebhooks, webhookCalls } from './webhooks-test-harness.ts';

describe('webhook endpoints', () => {
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
