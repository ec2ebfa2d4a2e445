// The integrator API end to end on real Postgres with the embedded runtime: an API key starts the
// flow for a contact (once per Idempotency-Key) and the conversation's events reach a signed
// webhook; it sends a message, reads results page by page and the conversation; wrong, revoked
// and over-eager keys and other workspaces' ids get clear answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { schema } from '@waflow/db';
import { createApp } from '../../app.ts';
import { hashApiKey } from '../../middleware/api-key.ts';
import {
  Receiver,
  leadFlow,
  startHarness,
  until,
  type Harness,
  type Json,
} from './test-harness.ts';

describe('the integrator API', () => {
  let h: Harness;
  let apiKey = '';
  let secret = '';
  const ana = '34600123456@c.us';
  const startBody = () => ({
    numberId: h.numberId,
    contact: { phone: '+34 600 123 456', name: 'Ana' },
    variables: { name: 'Ana', notDeclared: 'ignored' },
  });
  const start = (
    key: string | undefined,
    body: unknown = startBody(),
    token = apiKey,
    flowId = h.flowId,
  ) =>
    h.call('POST', `/api/v1/integrations/flows/${flowId}/start`, {
      token,
      body,
      ...(key ? { headers: { 'idempotency-key': key } } : {}),
    });
  // A fresh key for a test that makes many calls, so the per-key rate limit never decides a test
  // (the rate-limit test has its own).
  const freshKey = async () =>
    (apiKey = (
      await h.call('POST', `/api/v1/workspaces/${h.ws}/api-keys`, {
        token: h.admin,
        body: { name: 'CRM' },
      })
    ).body.key as string);
  const sentTo = (to: string) => h.sandbox.sent.filter((s) => s.message.to === to);
  const texts = (to: string) =>
    sentTo(to).map((s) => ('text' in s.message ? s.message.text : s.message.type));

  beforeAll(async () => {
    h = await startHarness();
    apiKey = (
      await h.call('POST', `/api/v1/workspaces/${h.ws}/api-keys`, {
        token: h.admin,
        body: { name: 'CRM' },
      })
    ).body.key as string;
    secret = (
      await h.call('POST', `/api/v1/workspaces/${h.ws}/webhooks`, {
        token: h.admin,
        body: { url: `${h.receiver.url}/crm`, events: ['conversation.started', 'lead.captured'] },
      })
    ).body.secret as string;
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses calls without a valid API key', async () => {
    const none = await h.call('GET', '/api/v1/integrations/results');
    expect(none.status).toBe(401);
    expect((none.body.error as Json).message).toMatch(/Authorization: Bearer wf_/);
    expect(
      (await h.call('GET', '/api/v1/integrations/results', { token: `wf_${'x'.repeat(43)}` }))
        .status,
    ).toBe(401);
    // A signed-in user's access token is not an API key.
    expect((await h.call('GET', '/api/v1/integrations/results', { token: h.admin })).status).toBe(
      401,
    );
  });

  it('starts the flow for a contact once per Idempotency-Key, and the conversation reaches the webhook', async () => {
    const first = await start('start-1');
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      contact: ana,
      status: 'accepted',
      eventId: expect.any(String),
    });
    const again = await start('start-1');
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const reused = await start('start-1', { ...startBody(), variables: {} });
    expect(reused.status).toBe(409);
    expect((reused.body.error as Json).code).toBe('IDEMPOTENCY_KEY_REUSED');

    // The flow's welcome and first question, exactly once.
    await until(
      () => (sentTo(ana).length >= 2 ? true : undefined),
      'the flow’s first two messages',
    );
    await h.runtime.idle();
    expect(texts(ana)).toEqual([expect.stringMatching(/^Hi!/), "What's your name?"]);
    const events = await h.client.db
      .select()
      .from(schema.inboundEvents)
      .where(eq(schema.inboundEvents.kind, 'api_start'));
    expect(events).toHaveLength(1);

    // In a conversation now: another start is refused with where to look.
    const busy = await start('start-2');
    expect(busy.status).toBe(409);
    expect((busy.body.error as Json).code).toBe('CONVERSATION_IN_PROGRESS');
    expect(
      (busy.body.error as { details: { conversationId: string } }).details.conversationId,
    ).toEqual(expect.any(String));

    const started = await until(
      () => h.receiver.of('conversation.started', '/crm')[0],
      'conversation.started delivered',
    );
    const payload = new Webhook(secret).verify(started.body, Receiver.signed(started)) as {
      data: Json;
    };
    expect(payload.data).toMatchObject({
      contact: ana,
      flowId: h.flowId,
      conversationId: (busy.body.error as { details: { conversationId: string } }).details
        .conversationId,
    });
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

  it('forgets expired Idempotency-Keys of a workspace as new ones come in', async () => {
    const other = await h.otherWorkspace();
    const key = `wf_${'o'.repeat(43)}`;
    await h.client.db.insert(schema.apiKeys).values({
      workspaceId: other.ws,
      name: 'Theirs',
      prefix: key.slice(0, 10),
      keyHash: hashApiKey(key),
    });
    const k = schema.idempotencyKeys;
    await h.client.db.insert(k).values([
      {
        workspaceId: other.ws,
        key: 'old',
        requestHash: 'x',
        statusCode: 202,
        response: {},
        createdAt: new Date(Date.now() - 25 * 3600_000),
      },
      {
        workspaceId: other.ws,
        key: 'recent',
        requestHash: 'x',
        statusCode: 202,
        response: {},
        createdAt: new Date(Date.now() - 3600_000),
      },
    ]);
    const sent = await h.call('POST', '/api/v1/integrations/messages', {
      token: key,
      body: { numberId: other.numberId, to: '+34600121212', text: 'Hi' },
      headers: { 'idempotency-key': 'new' },
    });
    expect(sent.status).toBe(202);
    await until(
      async () =>
        (
          await h.client.db
            .select()
            .from(k)
            .where(and(eq(k.workspaceId, other.ws), eq(k.key, 'old')))
        )[0]
          ? undefined
          : true,
      'the expired key forgotten',
    );
    expect(
      (await h.client.db.select({ key: k.key }).from(k).where(eq(k.workspaceId, other.ws)))
        .map((r) => r.key)
        .sort(),
    ).toEqual(['new', 'recent']);
  });

  it('reads results page by page and a conversation with its transcript, never another workspace’s', async () => {
    await freshKey();
    // Ana answers the flow's first question: her run has a (partial) result.
    h.sandbox.deliver({ from: ana, text: 'Ana María' });
    await until(
      async () => (await h.client.db.select({ id: schema.results.id }).from(schema.results))[0],
      'a result row',
    );
    // A second run, started by a contact's message (the keyword trigger), answered too.
    h.sandbox.deliver({ from: '34600555444@c.us', text: 'hello' });
    await until(
      () => (sentTo('34600555444@c.us').length >= 2 ? true : undefined),
      'the second contact’s first question',
    );
    h.sandbox.deliver({ from: '34600555444@c.us', text: 'Bob' });
    await until(
      async () =>
        (await h.client.db.select({ id: schema.results.id }).from(schema.results)).length >= 2
          ? true
          : undefined,
      'a second result row',
    );

    const all = await h.call('GET', `/api/v1/integrations/results?flowId=${h.flowId}`, {
      token: apiKey,
    });
    expect((all.body.items as Json[]).length).toBe(2);
    const page1 = await h.call('GET', `/api/v1/integrations/results?flowId=${h.flowId}&limit=1`, {
      token: apiKey,
    });
    const page2 = await h.call(
      'GET',
      `/api/v1/integrations/results?flowId=${h.flowId}&limit=1&cursor=${String(page1.body.nextCursor)}`,
      { token: apiKey },
    );
    expect(page2.body.nextCursor).toBeNull();
    const both = [...(page1.body.items as Json[]), ...(page2.body.items as Json[])];
    expect(new Set(both.map((r) => r.id)).size).toBe(2);
    const mine = both.find((r) => (r.contact as Json).waId === ana) as
      { conversationId: string; variables: Json } | undefined;
    expect(mine?.variables).toMatchObject({ name: 'Ana María' });
    expect(mine?.variables).not.toHaveProperty('notDeclared');
    const future = await h.call(
      'GET',
      `/api/v1/integrations/results?since=${new Date(Date.now() + 60_000).toISOString()}`,
      { token: apiKey },
    );
    expect(future.body.items).toEqual([]);
    expect(
      (await h.call('GET', '/api/v1/integrations/results?since=someday', { token: apiKey })).status,
    ).toBe(400);

    const conv = await h.call('GET', `/api/v1/integrations/conversations/${mine?.conversationId}`, {
      token: apiKey,
    });
    expect(conv.status).toBe(200);
    expect(conv.body).toMatchObject({
      id: mine?.conversationId,
      flowId: h.flowId,
      contact: { waId: ana, name: 'Ana' },
      variables: { name: 'Ana María' },
    });
    const transcript = conv.body.messages as { direction: string; body: string }[];
    expect(transcript.map((m) => m.direction)).toEqual(['out', 'out', 'in', 'out']);
    expect(transcript[2]?.body).toBe('Ana María');

    // Another workspace's conversation and results stay invisible.
    const other = await h.otherWorkspace();
    const [contact] = await h.client.db
      .insert(schema.contacts)
      .values({ workspaceId: other.ws, numberId: other.numberId, waId: '34611111111@c.us' })
      .returning();
    const [theirs] = await h.client.db
      .insert(schema.conversations)
      .values({
        workspaceId: other.ws,
        numberId: other.numberId,
        contactId: contact?.id ?? '',
        flowId: other.flowId,
      })
      .returning();
    expect(
      (await h.call('GET', `/api/v1/integrations/conversations/${theirs?.id}`, { token: apiKey }))
        .status,
    ).toBe(404);
    expect(
      (await h.call('GET', '/api/v1/integrations/conversations/not-a-uuid', { token: apiKey }))
        .status,
    ).toBe(404);
    expect(
      (
        (
          await h.call('GET', `/api/v1/integrations/results?flowId=${other.flowId}`, {
            token: apiKey,
          })
        ).body.items as Json[]
      ).length,
    ).toBe(0);
  });

  it('limits each key across every integrator route with a 429 that says when to retry', async () => {
    const key = (
      await h.call('POST', `/api/v1/workspaces/${h.ws}/api-keys`, {
        token: h.admin,
        body: { name: 'Burst' },
      })
    ).body.key as string;
    // 40 calls spread over two routes: one bucket per key, not per route.
    const answers = [];
    for (let i = 0; i < 40; i++)
      answers.push(
        await h.call(
          'GET',
          i % 2
            ? '/api/v1/integrations/results?limit=1'
            : '/api/v1/integrations/conversations/00000000-0000-4000-8000-000000000000',
          { token: key },
        ),
      );
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(answers.slice(0, 30).every((a) => a.status !== 429)).toBe(true);
    expect(Number(limited[0]?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((limited[0]?.body.error as Json).code).toBe('RATE_LIMITED');
    // Other keys are not slowed down by it.
    expect(
      (await h.call('GET', '/api/v1/integrations/results?limit=1', { token: apiKey })).status,
    ).toBe(200);
  });

  it('refuses a revoked key at once', async () => {
    const k = (
      await h.call('POST', `/api/v1/workspaces/${h.ws}/api-keys`, {
        token: h.admin,
        body: { name: 'Short-lived' },
      })
    ).body as { id: string; key: string };
    expect((await h.call('GET', '/api/v1/integrations/results', { token: k.key })).status).toBe(
      200,
    );
    expect(
      (await h.call('DELETE', `/api/v1/workspaces/${h.ws}/api-keys/${k.id}`, { token: h.admin }))
        .status,
    ).toBe(204);
    const refused = await start(
      'after-revoke',
      { ...startBody(), contact: { phone: '+34600000009' } },
      k.key,
    );
    expect(refused.status).toBe(401);
    expect((refused.body.error as Json).message).toMatch(/revoked/);
  });

  it('erases a person by phone on every number, including messages sent to someone who never wrote', async () => {
    const key = await freshKey();
    const contactsOf = async (waId: string) =>
      (await h.client.db.select().from(schema.contacts).where(eq(schema.contacts.waId, waId)))
        .length;
    expect(await contactsOf(ana)).toBeGreaterThan(0);

    const erased = await h.call('DELETE', '/api/v1/integrations/contacts/+34%20600%20123%20456', {
      token: key,
    });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({
      contacts: 1,
      deleted: { conversations: expect.any(Number), messages: expect.any(Number) },
    });
    expect((erased.body.deleted as Json).conversations).toBeGreaterThanOrEqual(1);
    expect(await contactsOf(ana)).toBe(0);
    expect(
      (
        await h.client.db
          .select()
          .from(schema.inboundEvents)
          .where(eq(schema.inboundEvents.fromWaId, ana))
      ).length,
    ).toBe(0);
    const audit = await h.client.db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.action, 'integration.contact.erase'));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('600123456');
    expect(JSON.stringify(await h.client.db.select().from(schema.auditLog))).not.toContain(
      '34600123456@c.us',
    );

    // Only an integrator's message reached this phone: no contact, but the message goes too.
    const loose = await h.call('DELETE', '/api/v1/integrations/contacts/34600999888', {
      token: key,
    });
    expect(loose.status).toBe(200);
    expect(loose.body).toMatchObject({ contacts: 0 });
    expect((loose.body.deleted as Json).messages).toBeGreaterThanOrEqual(1);
    expect(
      (
        await h.client.db
          .select()
          .from(schema.messages)
          .where(eq(schema.messages.body, 'Your order shipped.'))
      ).length,
    ).toBe(0);

    expect(
      (await h.call('DELETE', '/api/v1/integrations/contacts/34600999888', { token: key })).status,
    ).toBe(404);
    const bad = await h.call('DELETE', '/api/v1/integrations/contacts/not-a-phone', { token: key });
    expect(bad.status).toBe(400);
    expect((bad.body.error as Json).message).toMatch(/country code/);
    expect((await h.call('DELETE', '/api/v1/integrations/contacts/34600999888')).status).toBe(401);
  });
});
