// The integrator API following one contact on real Postgres with the embedded runtime: an API key
// starts the flow for Ana (once per Idempotency-Key) and conversation.started reaches a signed
// webhook; results are read page by page with her conversation; then she is erased by phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { schema } from '@waflow/db';
import { ana, integrator, startIntegrations } from './integrations-test-harness.ts';
import { Receiver, until, type Harness, type Json } from './test-harness.ts';

describe('the integrator API: a contact started, read and erased', () => {
  let h: Harness;
  let apiKey = '';
  let secret = '';
  const { startBody, start, freshKey, sentTo, texts } = integrator(
    () => h,
    () => apiKey,
    (k) => (apiKey = k),
  );

  beforeAll(async () => {
    ({ h, apiKey, secret } = await startIntegrations());
    // An integrator's message to a phone that never wrote (the erasure test removes it too).
    await h.call('POST', '/api/v1/integrations/messages', {
      token: apiKey,
      body: { numberId: h.numberId, to: '+34600999888', text: 'Your order shipped.' },
      headers: { 'idempotency-key': 'msg-1' },
    });
    await until(
      () => (sentTo('34600999888@c.us').length > 0 ? true : undefined),
      'the integrator’s message',
    );
    await h.runtime.idle();
  });
  afterAll(async () => {
    await h.close();
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
