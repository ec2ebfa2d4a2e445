// The integrator API starting flows and sending messages on real Postgres with the embedded
// runtime: what a start refuses, a message sent once per Idempotency-Key, a retry after a crash,
// two simultaneous requests with one key, and a start from an API process without the runtime.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { schema } from '@waflow/db';
import { createApp } from '../../app.ts';
import { integrator, startIntegrations } from './integrations-test-harness.ts';
import { leadFlow, until, type Harness, type Json } from './test-harness.ts';

describe('the integrator API: starts and sends', () => {
  let h: Harness;
  let apiKey = '';
  const { startBody, start, freshKey, sentTo, texts } = integrator(
    () => h,
    () => apiKey,
    (k) => (apiKey = k),
  );

  beforeAll(async () => {
    ({ h, apiKey } = await startIntegrations());
  });
  afterAll(async () => {
    await h.close();
  });

  it('starts only published flows with an API trigger, from the workspace’s own numbers', async () => {
    await freshKey();
    const noApi = { ...leadFlow(), triggers: [{ type: 'first_message' }] };
    const flow = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows`, {
      token: h.admin,
      body: { name: 'Inbound only', config: noApi },
    });
    const id = flow.body.id as string;
    const unpublished = await start(
      undefined,
      { ...startBody(), contact: { phone: '+34600000001' } },
      apiKey,
      id,
    );
    expect(unpublished.status).toBe(409);
    expect((unpublished.body.error as Json).code).toBe('FLOW_NOT_PUBLISHED');
    await h.call('POST', `/api/v1/workspaces/${h.ws}/flows/${id}/publish`, {
      token: h.admin,
      body: {},
    });
    const noTrigger = await start(
      undefined,
      { ...startBody(), contact: { phone: '+34600000001' } },
      apiKey,
      id,
    );
    expect(noTrigger.status).toBe(409);
    expect((noTrigger.body.error as Json).code).toBe('FLOW_HAS_NO_API_TRIGGER');

    const other = await h.otherWorkspace();
    expect(
      (
        await start(
          'x-flow',
          { ...startBody(), contact: { phone: '+34600000002' } },
          apiKey,
          other.flowId,
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await start('x-number', {
          ...startBody(),
          numberId: other.numberId,
          contact: { phone: '+34600000002' },
        })
      ).status,
    ).toBe(404);
    expect((await start(undefined, startBody(), apiKey, 'not-a-uuid')).status).toBe(404);
    const badPhone = await start(undefined, { ...startBody(), contact: { phone: 'call me' } });
    expect(badPhone.status).toBe(400);
    expect(JSON.stringify(badPhone.body)).toMatch(/country code/);
    expect((await start('bad key with spaces')).status).toBe(400);
    // A key refused for another workspace's flow was not used up.
    expect(
      await h.client.db
        .select()
        .from(schema.idempotencyKeys)
        .where(eq(schema.idempotencyKeys.key, 'x-flow')),
    ).toEqual([]);
  });

  it('sends a message from a number once per Idempotency-Key', async () => {
    const body = { numberId: h.numberId, to: '+34600999888', text: 'Your order shipped.' };
    const sent = await h.call('POST', '/api/v1/integrations/messages', {
      token: apiKey,
      body,
      headers: { 'idempotency-key': 'msg-1' },
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ messageId: expect.any(String), status: 'queued' });
    const again = await h.call('POST', '/api/v1/integrations/messages', {
      token: apiKey,
      body,
      headers: { 'idempotency-key': 'msg-1' },
    });
    expect(again.body).toEqual(sent.body);
    expect(
      (
        await h.call('POST', '/api/v1/integrations/messages', {
          token: apiKey,
          body: { ...body, text: 'Another text' },
          headers: { 'idempotency-key': 'msg-1' },
        })
      ).status,
    ).toBe(409);
    await until(
      () => (sentTo('34600999888@c.us').length > 0 ? true : undefined),
      'the integrator’s message',
    );
    await h.runtime.idle();
    expect(texts('34600999888@c.us')).toEqual(['Your order shipped.']);
    const [claim] = await h.client.db
      .select()
      .from(schema.idempotencyKeys)
      .where(eq(schema.idempotencyKeys.key, 'msg-1'));
    // The outbox records the send right after the channel took the message.
    const row = await until(async () => {
      const [r] = await h.client.db
        .select()
        .from(schema.outbox)
        .where(eq(schema.outbox.idempotencyKey, `api:${claim?.id}`));
      return r?.status === 'sent' ? r : undefined;
    }, 'the outbox row recorded as sent');
    expect(row.status).toBe('sent');
    const [message] = await h.client.db
      .select()
      .from(schema.messages)
      .where(eq(schema.messages.id, sent.body.messageId as string));
    expect(message?.author).toBe('integrator');

    const other = await h.otherWorkspace();
    expect(
      (
        await h.call('POST', '/api/v1/integrations/messages', {
          token: apiKey,
          body: { ...body, numberId: other.numberId },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await h.call('POST', '/api/v1/integrations/messages', {
          token: apiKey,
          body: { ...body, text: '' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await h.call('POST', '/api/v1/integrations/messages', {
          token: apiKey,
          body: { ...body, text: 'x'.repeat(4097) },
        })
      ).status,
    ).toBe(400);
  });

  it('answers a retry after a crash with the first outcome, and forgets keys after 24 hours', async () => {
    await freshKey();
    const to = '34600777666@c.us';
    const body = { numberId: h.numberId, to: '+34600777666', text: 'Invoice ready.' };
    const send = (b: unknown = body) =>
      h.call('POST', '/api/v1/integrations/messages', {
        token: apiKey,
        body: b,
        headers: { 'idempotency-key': 'crash-1' },
      });
    const k = schema.idempotencyKeys;
    const first = await send();
    expect(first.status).toBe(202);
    await until(() => (sentTo(to).length > 0 ? true : undefined), 'the first send');

    // The process died after queueing the message, before recording the answer: while the claim
    // is fresh a retry is told to wait; once stale, the retry gets the same message, sent once.
    await h.client.db
      .update(k)
      .set({ statusCode: null, response: null, createdAt: new Date() })
      .where(eq(k.key, 'crash-1'));
    const waiting = await send();
    expect(waiting.status).toBe(409);
    expect((waiting.body.error as Json).code).toBe('REQUEST_IN_PROGRESS');
    await h.client.db
      .update(k)
      .set({ createdAt: new Date(Date.now() - 2 * 60_000) })
      .where(eq(k.key, 'crash-1'));
    const retried = await send();
    expect(retried.status).toBe(202);
    expect(retried.body.messageId).toBe(first.body.messageId);
    expect((await send()).headers.get('idempotent-replayed')).toBe('true');
    await h.runtime.idle();
    expect(texts(to)).toEqual(['Invoice ready.']);

    // A day later the key is free again: a new request, a new message.
    await h.client.db
      .update(k)
      .set({ createdAt: new Date(Date.now() - 25 * 3600_000) })
      .where(eq(k.key, 'crash-1'));
    const later = await send({ ...body, text: 'Second invoice ready.' });
    expect(later.status).toBe(202);
    expect(later.body.messageId).not.toBe(first.body.messageId);
    await until(() => (sentTo(to).length >= 2 ? true : undefined), 'the second send');
    expect(texts(to)).toEqual(['Invoice ready.', 'Second invoice ready.']);

    // Same for a start: persisted by a request that died, the retry answers accepted once.
    const phone = '+34600333222';
    const startOnce = () => start('crash-start', { ...startBody(), contact: { phone } });
    const s1 = await startOnce();
    expect(s1.status).toBe(202);
    await h.client.db
      .update(k)
      .set({ statusCode: null, response: null, createdAt: new Date(Date.now() - 2 * 60_000) })
      .where(eq(k.key, 'crash-start'));
    const s2 = await startOnce();
    expect(s2.status).toBe(202);
    expect(s2.body).toEqual(s1.body);
    await until(
      () => (sentTo('34600333222@c.us').length >= 2 ? true : undefined),
      'the started flow',
    );
    await h.runtime.idle();
    expect(sentTo('34600333222@c.us')).toHaveLength(2);
  });

  it('starts a flow from an API process without the runtime: the runtime serving the number picks it up', async () => {
    const apiOnly = createApp({
      client: h.client,
      keyring: h.keyring,
      log: pino({ level: 'silent' }),
    });
    const res = await apiOnly.request(`/api/v1/integrations/flows/${h.flowId}/start`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': 'elsewhere',
      },
      body: JSON.stringify({ ...startBody(), contact: { phone: '+34600444555' } }),
    });
    expect(res.status).toBe(202);
    await until(
      () => (sentTo('34600444555@c.us').length >= 2 ? true : undefined),
      'the flow started by the runtime’s sweep',
    );
  });

  it('lets one of two simultaneous requests with the same key through, and the other waits or replays', async () => {
    const body = { numberId: h.numberId, to: '+34600888999', text: 'Only once.' };
    const both = await Promise.all(
      [1, 2].map(() =>
        h.call('POST', '/api/v1/integrations/messages', {
          token: apiKey,
          body,
          headers: { 'idempotency-key': 'race-1' },
        }),
      ),
    );
    const statuses = both.map((r) => r.status).sort();
    expect(statuses[0]).toBe(202);
    expect([202, 409]).toContain(statuses[1]);
    if (statuses[1] === 409)
      expect((both.find((r) => r.status === 409)?.body.error as Json).code).toBe(
        'REQUEST_IN_PROGRESS',
      );
    else expect(both[0]?.body).toEqual(both[1]?.body);
    await until(() => (sentTo('34600888999@c.us').length > 0 ? true : undefined), 'the message');
    await h.runtime.idle();
    expect(texts('34600888999@c.us')).toEqual(['Only once.']);
  });
});
