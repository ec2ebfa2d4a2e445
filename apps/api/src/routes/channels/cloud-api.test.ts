// A Cloud API number end to end, over HTTP, on real Postgres: added through the API with its
// credentials (sealed, never returned), Meta's subscription check, signed webhooks persisted and
// answered through the Graph API double, statuses as acks, refusals (bad, missing signature:
// 401, nothing stored), redeliveries deduplicated, rate limits retried without a double send,
// the 24-hour window enforced before any HTTP call (a template goes through it), media downloaded
// by id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { OUTSIDE_WINDOW_REASON } from '@waflow/runtime';
import { schema } from '@waflow/db';
import {
  graphFailure,
  messageWebhook,
  postSigned,
  startGraphApiDouble,
  type ContactMessage,
  type GraphApiDouble,
  type WebhookTarget,
} from '@waflow/testkit/graph-api';
import { startHarness, until, type Harness } from '../integrations/test-harness.ts';
import { expectRefusedOutsideWindow, serveOverHttp } from './provider-test-harness.ts';

const ACCESS_TOKEN = 'EAAG-test-access-token-0123456789';
const APP_SECRET = '0123456789abcdef0123456789abcdef';
const PHONE_NUMBER_ID = '106540352242922';
const WABA_ID = '102290129340398';

describe('a WhatsApp Cloud API number', () => {
  let graph: GraphApiDouble;
  let h: Harness;
  let server: Awaited<ReturnType<typeof serveOverHttp>>;
  let base = '';
  let numberId = '';
  let target: WebhookTarget;
  let verifyToken = '';
  const ana = { waId: '34600111222', name: 'Ana' };
  const textsTo = (digits: string) =>
    graph.sends
      .filter((s) => s.body.to === digits)
      .map((s) => (s.body.text as { body?: string } | undefined)?.body ?? String(s.body.type));
  const inboundCount = async () =>
    (
      await h.client.db
        .select({ id: schema.inboundEvents.id })
        .from(schema.inboundEvents)
        .where(eq(schema.inboundEvents.numberId, numberId))
    ).length;

  beforeAll(async () => {
    graph = await startGraphApiDouble({
      accessToken: ACCESS_TOKEN,
      phoneNumbers: { [PHONE_NUMBER_ID]: { display: '+1 555-0100', verifiedName: 'Acme' } },
    });
    h = await startHarness({ WAFLOW_CLOUD_API_BASE_URL: graph.baseUrl });
    server = await serveOverHttp(h);
    base = server.base;
  });
  afterAll(async () => {
    await server.close();
    await h.close();
    await graph.close();
  });

  it('is added with its credentials, which the API never returns and stores sealed', async () => {
    const bad = await h.call('POST', `/api/v1/workspaces/${h.ws}/numbers`, {
      token: h.admin,
      body: { label: 'Meta', channel: 'cloud_api', flowId: h.flowId },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('phoneNumberId, wabaId, accessToken and appSecret');

    const created = await h.call('POST', `/api/v1/workspaces/${h.ws}/numbers`, {
      token: h.admin,
      body: {
        label: 'Meta',
        channel: 'cloud_api',
        flowId: h.flowId,
        cloudApi: {
          phoneNumberId: PHONE_NUMBER_ID,
          wabaId: WABA_ID,
          accessToken: ACCESS_TOKEN,
          appSecret: APP_SECRET,
        },
      },
    });
    expect(created.status).toBe(201);
    numberId = created.body.id as string;
    const connection = created.body.cloudApi as { webhookUrl: string; verifyToken: string };
    expect(connection.webhookUrl).toMatch(
      new RegExp(`/api/v1/channels/cloud-api/${numberId}/webhook$`),
    );
    verifyToken = connection.verifyToken;
    expect(verifyToken.length).toBeGreaterThanOrEqual(20);

    const read = await h.call('GET', `/api/v1/workspaces/${h.ws}/numbers/${numberId}`, {
      token: h.admin,
    });
    const listed = await h.call('GET', `/api/v1/workspaces/${h.ws}/numbers`, { token: h.admin });
    for (const answer of [created, read, listed]) {
      expect(JSON.stringify(answer.body)).not.toContain(ACCESS_TOKEN);
      expect(JSON.stringify(answer.body)).not.toContain(APP_SECRET);
    }
    const [row] = await h.client.db
      .select({ secrets: schema.channelAccounts.secrets })
      .from(schema.channelAccounts)
      .where(eq(schema.channelAccounts.numberId, numberId));
    expect(Buffer.from(row?.secrets ?? []).toString('latin1')).not.toContain(ACCESS_TOKEN);

    // The channel started: it read the phone number with the token, the number is ready.
    await until(async () => {
      const [n] = await h.client.db
        .select({ status: schema.numbers.status, phone: schema.numbers.phone })
        .from(schema.numbers)
        .where(eq(schema.numbers.id, numberId));
      return (n?.status === 'ready' && n.phone === '+1 555-0100') || undefined;
    }, 'the number to be ready with its phone');
    target = {
      url: `${base}/api/v1/channels/cloud-api/${numberId}/webhook`,
      appSecret: APP_SECRET,
      phoneNumberId: PHONE_NUMBER_ID,
      displayPhoneNumber: '15550100',
      wabaId: WABA_ID,
    };
  });

  it('answers Meta’s subscription check only with the verify token', async () => {
    const check = (token: string) =>
      fetch(
        `${target.url}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`,
      );
    const good = await check(verifyToken);
    expect(good.status).toBe(200);
    expect(await good.text()).toBe('1158201444');
    const wrong = await check('not-the-token');
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toContain(
      'verify token',
    );
  });

  it('checks the connection on demand, and says why when the token is refused', async () => {
    const ok = await h.call(
      'POST',
      `/api/v1/workspaces/${h.ws}/numbers/${numberId}/cloud-api/check`,
      { token: h.admin },
    );
    expect(ok.body).toMatchObject({ ok: true, displayPhoneNumber: '+1 555-0100' });
    graph.failNext(1, graphFailure(190));
    const refused = await h.call(
      'POST',
      `/api/v1/workspaces/${h.ws}/numbers/${numberId}/cloud-api/check`,
      { token: h.admin },
    );
    expect(refused.body).toMatchObject({ ok: false, code: 190 });
    expect(String(refused.body.detail)).toContain('access token has expired');
  });

  it('refuses bad and missing signatures with 401 and stores nothing', async () => {
    const { payload } = messageWebhook(target, ana, { kind: 'text', text: 'hi' });
    const forged = await postSigned(target.url, payload, 'another-app-secret');
    const missing = await postSigned(target.url, payload, APP_SECRET, { signature: null });
    const garbled = await postSigned(target.url, payload, APP_SECRET, {
      signature: 'sha256=zz',
    });
    expect([forged.status, missing.status, garbled.status]).toEqual([401, 401, 401]);
    expect(forged.body).toContain('X-Hub-Signature-256');
    expect(await inboundCount()).toBe(0);
  });

  it('persists a signed message, answers through the Graph API, and counts a redelivery once', async () => {
    const hi = messageWebhook(target, ana, { kind: 'text', text: 'hi' });
    const first = await postSigned(target.url, hi.payload, APP_SECRET);
    expect(first.status).toBe(200);
    // Meta delivers again (it did not see our 200 in time): the same wamid, one event, one reply.
    const again = await postSigned(target.url, hi.payload, APP_SECRET);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({ inserted: 0 });
    await graph.waitForSends(2);
    await h.runtime.idle();
    expect(await inboundCount()).toBe(1);
    expect(textsTo('34600111222')).toEqual([
      "Hi! I'm the Acme assistant. I'll ask three quick questions.",
      "What's your name?",
    ]);
    expect(graph.sends[0]?.body).toMatchObject({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '34600111222',
      type: 'text',
    });
    // The profile name Meta sent is the contact's name.
    const [contact] = await h.client.db
      .select({ name: schema.contacts.name })
      .from(schema.contacts)
      .where(
        and(eq(schema.contacts.numberId, numberId), eq(schema.contacts.waId, `34600111222@c.us`)),
      );
    expect(contact?.name).toBe('Ana');
  });

  it('records delivery statuses, with Meta’s reason when one failed', async () => {
    const [welcome, ask] = graph.sends;
    if (!welcome || !ask) throw new Error('no sends to acknowledge');
    expect(await graph.postStatus(target, welcome, 'delivered')).toBe(200);
    expect(await graph.postStatus(target, ask, 'failed', 131026)).toBe(200);
    const status = async (id: string) =>
      (
        await h.client.db
          .select({ status: schema.messages.status, error: schema.messages.error })
          .from(schema.messages)
          .where(eq(schema.messages.waMessageId, id))
      )[0];
    await until(
      async () => (await status(welcome.id))?.status === 'delivered' || undefined,
      'the delivered status',
    );
    expect(await status(ask.id)).toEqual({
      status: 'failed',
      error: expect.stringContaining('could not deliver this message') as unknown,
    });
  });

  it('retries rate-limit answers with backoff and sends each reply once', async () => {
    graph.failNext(2, graphFailure(130429));
    const before = graph.sends.length;
    const name = messageWebhook(target, ana, { kind: 'text', text: 'Ana Lopez' });
    expect((await postSigned(target.url, name.payload, APP_SECRET)).status).toBe(200);
    await graph.waitForSends(before + 1, 30_000);
    await h.runtime.idle();
    const after = graph.sends.slice(before).map((s) => (s.body.text as { body: string }).body);
    expect(after).toEqual(["Nice to meet you, Ana Lopez! What's your email?"]);
    const refused = graph.requests.filter((r) => r.method === 'POST').length - graph.sends.length;
    expect(refused).toBe(2);
  });

  it('downloads inbound media through its id and stores it like WhatsApp Web media', async () => {
    graph.addMedia('1013859600285441', {
      data: Buffer.from('%PDF-1.4 a quote'),
      mimeType: 'application/pdf',
    });
    const doc = messageWebhook(target, ana, {
      kind: 'document',
      mediaId: '1013859600285441',
      mimeType: 'application/pdf',
      filename: 'quote.pdf',
    });
    const before = graph.sends.length;
    expect((await postSigned(target.url, doc.payload, APP_SECRET)).status).toBe(200);
    // A file is not an email: the flow asks again (and the send is done before the next test).
    await graph.waitForSends(before + 1);
    expect(textsTo('34600111222').at(-1)).toContain("doesn't look like an email");
    const [event] = await h.client.db
      .select({ payload: schema.inboundEvents.payload })
      .from(schema.inboundEvents)
      .where(eq(schema.inboundEvents.waMessageId, doc.id));
    const media = (event?.payload as { message: { media?: { ref: string } } }).message.media;
    expect(media?.ref).toMatch(new RegExp(`^media/${numberId}/.+\\.pdf$`));
  });

  it('sends a choice as reply buttons; a tap, the typed number and the typed label pick the same option', async () => {
    const interest = async (waId: string) => {
      const rows = await h.client.db
        .select({ state: schema.conversationCheckpoints.state })
        .from(schema.conversationCheckpoints)
        .innerJoin(
          schema.conversations,
          eq(schema.conversations.id, schema.conversationCheckpoints.conversationId),
        )
        .innerJoin(schema.contacts, eq(schema.contacts.id, schema.conversations.contactId))
        .where(and(eq(schema.contacts.numberId, numberId), eq(schema.contacts.waId, waId)));
      return (rows[0]?.state as { vars?: Record<string, unknown> } | undefined)?.vars?.interest;
    };
    const write = async (who: { waId: string; name: string }, m: ContactMessage, replies = 1) => {
      const before = graph.sends.length;
      const hook = messageWebhook(target, who, m);
      expect((await postSigned(target.url, hook.payload, APP_SECRET)).status).toBe(200);
      await graph.waitForSends(before + replies);
      await h.runtime.idle();
      return graph.sends.at(-1);
    };
    const answers: [{ waId: string; name: string }, ContactMessage][] = [
      [
        { waId: '34600000001', name: 'Tap' },
        { kind: 'button_reply', id: '2', title: 'Online shop' },
      ],
      [
        { waId: '34600000002', name: 'Number' },
        { kind: 'text', text: '2' },
      ],
      [
        { waId: '34600000003', name: 'Label' },
        { kind: 'text', text: 'online shop' },
      ],
      // A list row comes back the same way (its id the option's number).
      [
        { waId: '34600000004', name: 'Row' },
        { kind: 'list_reply', id: '2', title: 'Online shop' },
      ],
    ];
    for (const [who, answer] of answers) {
      await write(who, { kind: 'text', text: 'hi' }, 2);
      await write(who, { kind: 'text', text: who.name });
      const menu = await write(who, { kind: 'text', text: `${who.name.toLowerCase()}@acme.test` });
      // The question went out as three reply buttons, ids the options' numbers.
      expect(menu?.body).toMatchObject({
        type: 'interactive',
        interactive: {
          type: 'button',
          action: {
            buttons: [
              { type: 'reply', reply: { id: '1', title: 'Website' } },
              { type: 'reply', reply: { id: '2', title: 'Online shop' } },
              { type: 'reply', reply: { id: '3', title: 'Mobile app' } },
            ],
          },
        },
      });
      await write(who, answer);
      expect(await interest(`${who.waId}@c.us`)).toBe('Online shop');
    }
  });

  it('never sends free-form to a contact outside the 24-hour window', async () => {
    await expectRefusedOutsideWindow(
      h,
      numberId,
      () => graph.requests.filter((r) => r.method === 'POST').length,
    );
  });

  it('opens with an approved template outside the window; a free-form reply after it is still refused', async () => {
    const flow = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows`, {
      token: h.admin,
      body: {
        name: 'Order updates',
        config: {
          schemaVersion: 1,
          triggers: [{ type: 'api' }],
          variables: [{ name: 'order', type: 'string' }],
          start: 'notify',
          nodes: [
            {
              id: 'notify',
              type: 'say',
              message: {
                kind: 'template',
                name: 'order_update',
                language: 'en_US',
                parameters: ['{{contact.name}}', '#{{order}}'],
                fallbackText: 'Hi {{contact.name}}, order #{{order}} is on its way.',
              },
              next: 'thanks',
            },
            { id: 'thanks', type: 'say', message: { kind: 'text', text: 'Anything else?' } },
          ],
        },
      },
    });
    expect(flow.status).toBe(201);
    const flowId = flow.body.id as string;
    const published = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows/${flowId}/publish`, {
      token: h.admin,
      body: {},
    });
    expect(published.status).toBe(201);
    const bound = await h.call('PATCH', `/api/v1/workspaces/${h.ws}/numbers/${numberId}`, {
      token: h.admin,
      body: { flowId },
    });
    expect(bound.status).toBe(200);
    const key = (
      await h.call('POST', `/api/v1/workspaces/${h.ws}/api-keys`, {
        token: h.admin,
        body: { name: 'Shop' },
      })
    ).body.key as string;

    // Cai never wrote to this number: only a template may reach them.
    const started = await h.call('POST', `/api/v1/integrations/flows/${flowId}/start`, {
      token: key,
      body: {
        numberId,
        contact: { phone: '34600777666', name: 'Cai' },
        variables: { order: '42' },
      },
    });
    expect(started.status).toBe(202);
    const template = await until(
      async () => graph.sends.find((s) => s.body.to === '34600777666'),
      'the template to reach the Graph API',
    );
    expect(template.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '34600777666',
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Cai' },
              { type: 'text', text: '#42' },
            ],
          },
        ],
      },
    });

    const outbox = async () =>
      h.client.db
        .select({ status: schema.outbox.status, error: schema.outbox.error })
        .from(schema.outbox)
        .where(
          and(
            eq(schema.outbox.numberId, numberId),
            sql`${schema.outbox.payload}->>'to' = '34600777666@c.us'`,
          ),
        )
        .orderBy(schema.outbox.seq);
    await until(
      async () => ((await outbox()).some((r) => r.status === 'failed') ? true : undefined),
      'the free-form reply to be refused',
    );
    expect(await outbox()).toEqual([
      { status: 'sent', error: null },
      { status: 'failed', error: OUTSIDE_WINDOW_REASON },
    ]);
    expect(graph.sends.filter((s) => s.body.to === '34600777666')).toHaveLength(1);
    // The transcript shows the template as its fallback text.
    const lines = await h.client.db
      .select({ type: schema.messages.type, body: schema.messages.body })
      .from(schema.messages)
      .innerJoin(schema.conversations, eq(schema.conversations.id, schema.messages.conversationId))
      .where(and(eq(schema.messages.numberId, numberId), eq(schema.conversations.flowId, flowId)))
      .orderBy(schema.messages.seq);
    expect(lines).toEqual([
      { type: 'template', body: 'Hi Cai, order #42 is on its way.' },
      { type: 'text', body: 'Anything else?' },
    ]);
  });
});
