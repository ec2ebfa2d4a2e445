// A Twilio WhatsApp number end to end, over HTTP, on real Postgres, behind a proxy (Twilio signs
// the public URL, we are reached at another): added with its credentials (the auth token sealed,
// never returned), signed form webhooks persisted and answered through the Twilio double,
// status callbacks as acks, refusals (bad, missing signature, another account: nothing stored),
// a retried webhook counted once, the 24-hour window enforced before any HTTP call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { OUTSIDE_WINDOW_REASON } from '@waflow/runtime';
import {
  inboundParams,
  postTwilioSigned,
  startTwilioDouble,
  type TwilioDouble,
  type TwilioWebhookTarget,
} from '@waflow/testkit/twilio';
import { startHarness, until, type Harness } from '../integrations/test-harness.ts';
import { expectRefusedOutsideWindow, serveOverHttp } from './provider-test-harness.ts';

const ACCOUNT_SID = `AC${'1a'.repeat(16)}`;
const AUTH_TOKEN = 'f'.repeat(8) + '0123456789abcdef0123456789ab'.slice(0, 24);
const SENDER = 'whatsapp:+14155238886';
const PUBLIC_URL = 'https://bots.example.test';

describe('a Twilio WhatsApp number', () => {
  let twilio: TwilioDouble;
  let h: Harness;
  let server: Awaited<ReturnType<typeof serveOverHttp>>;
  let local = '';
  let numberId = '';
  let target: TwilioWebhookTarget;
  let statusTarget: TwilioWebhookTarget;
  const ana = { waId: '34600111222', name: 'Ana' };
  const bodiesTo = (to: string) =>
    twilio.sends.filter((s) => s.params.To === to).map((s) => s.params.Body);
  const inboundCount = async () =>
    (
      await h.client.db
        .select({ id: schema.inboundEvents.id })
        .from(schema.inboundEvents)
        .where(eq(schema.inboundEvents.numberId, numberId))
    ).length;

  beforeAll(async () => {
    twilio = await startTwilioDouble({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      senders: [SENDER],
    });
    h = await startHarness({
      WAFLOW_TWILIO_BASE_URL: twilio.baseUrl,
      WAFLOW_PUBLIC_URL: PUBLIC_URL,
    });
    server = await serveOverHttp(h);
    local = server.base;
  });
  afterAll(async () => {
    await server.close();
    await h.close();
    await twilio.close();
  });

  it('is added with its credentials; the auth token is never returned', async () => {
    const bad = await h.call('POST', `/api/v1/workspaces/${h.ws}/numbers`, {
      token: h.admin,
      body: {
        label: 'Twilio',
        channel: 'twilio',
        twilio: { accountSid: 'AC123', authToken: AUTH_TOKEN, sender: SENDER },
      },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('the Account SID is AC and 32 hex digits');

    const created = await h.call('POST', `/api/v1/workspaces/${h.ws}/numbers`, {
      token: h.admin,
      body: {
        label: 'Twilio',
        channel: 'twilio',
        flowId: h.flowId,
        twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, sender: SENDER },
      },
    });
    expect(created.status).toBe(201);
    numberId = created.body.id as string;
    const view = created.body.twilio as { webhookUrl: string; statusCallbackUrl: string };
    expect(view.webhookUrl).toBe(`${PUBLIC_URL}/api/v1/channels/twilio/${numberId}/webhook`);
    expect(view.statusCallbackUrl).toBe(`${PUBLIC_URL}/api/v1/channels/twilio/${numberId}/status`);
    const read = await h.call('GET', `/api/v1/workspaces/${h.ws}/numbers/${numberId}`, {
      token: h.admin,
    });
    for (const answer of [created, read])
      expect(JSON.stringify(answer.body)).not.toContain(AUTH_TOKEN);
    await until(async () => {
      const [n] = await h.client.db
        .select({ status: schema.numbers.status, phone: schema.numbers.phone })
        .from(schema.numbers)
        .where(eq(schema.numbers.id, numberId));
      return (n?.status === 'ready' && n.phone === '+14155238886') || undefined;
    }, 'the number to be ready');
    const check = await h.call(
      'POST',
      `/api/v1/workspaces/${h.ws}/numbers/${numberId}/twilio/check`,
      { token: h.admin },
    );
    expect(check.body).toMatchObject({ ok: true, sid: ACCOUNT_SID });
    // Twilio signs the URL it was given (the proxy's); we are reached at our own address.
    const path = `/api/v1/channels/twilio/${numberId}`;
    target = {
      url: `${local}${path}/webhook`,
      publicUrl: view.webhookUrl,
      authToken: AUTH_TOKEN,
      accountSid: ACCOUNT_SID,
      to: SENDER,
    };
    statusTarget = { ...target, url: `${local}${path}/status`, publicUrl: view.statusCallbackUrl };
  });

  it('refuses bad and missing signatures, and another account’s posts, storing nothing', async () => {
    const { params } = inboundParams(target, ana, { kind: 'text', text: 'hi' });
    const forged = await postTwilioSigned({ ...target, authToken: '0'.repeat(32) }, params);
    const missing = await postTwilioSigned(target, params, { signature: null });
    // Signed over our own address, not the public one Twilio was given: refused too.
    const wrongUrl = await postTwilioSigned({ ...target, publicUrl: target.url }, params);
    const otherAccount = await postTwilioSigned(target, {
      ...params,
      AccountSid: `AC${'2b'.repeat(16)}`,
    });
    expect([forged.status, missing.status, wrongUrl.status, otherAccount.status]).toEqual([
      401, 401, 401, 403,
    ]);
    expect(forged.body).toContain('X-Twilio-Signature');
    expect(await inboundCount()).toBe(0);
  });

  it('persists a signed message, answers through the REST API, and counts a retry once', async () => {
    const { params } = inboundParams(target, ana, { kind: 'text', text: 'hi' });
    const first = await postTwilioSigned(target, params);
    expect(first.status).toBe(200);
    expect(first.body).toContain('<Response></Response>');
    expect((await postTwilioSigned(target, params)).status).toBe(200);
    await twilio.waitForSends(2);
    await h.runtime.idle();
    expect(await inboundCount()).toBe(1);
    expect(bodiesTo('whatsapp:+34600111222')).toEqual([
      "Hi! I'm the Acme assistant. I'll ask three quick questions.",
      "What's your name?",
    ]);
    expect(twilio.sends[0]?.params).toMatchObject({
      From: SENDER,
      StatusCallback: statusTarget.publicUrl,
    });
  });

  it('records status callbacks, with Twilio’s reason when one failed', async () => {
    const [welcome, ask] = twilio.sends;
    if (!welcome || !ask) throw new Error('no sends to acknowledge');
    expect(await twilio.postStatus(statusTarget, welcome, 'delivered')).toBe(204);
    expect(await twilio.postStatus(statusTarget, ask, 'undelivered', 63024)).toBe(204);
    const status = async (id: string) =>
      (
        await h.client.db
          .select({ status: schema.messages.status, error: schema.messages.error })
          .from(schema.messages)
          .where(eq(schema.messages.waMessageId, id))
      )[0];
    await until(
      async () => (await status(welcome.sid))?.status === 'delivered' || undefined,
      'the delivered status',
    );
    const failed = await status(ask.sid);
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toBeTruthy();
  });

  it('never sends free-form to a contact outside the 24-hour window', async () => {
    await expectRefusedOutsideWindow(
      h,
      numberId,
      () => twilio.requests.filter((r) => r.method === 'POST').length,
    );
  });

  it('opens with a template by Content SID outside the window; a free-form reply after it is refused', async () => {
    const flow = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows`, {
      token: h.admin,
      body: {
        name: 'Twilio order updates',
        config: {
          schemaVersion: 1,
          triggers: [{ type: 'api' }],
          variables: [],
          start: 'notify',
          nodes: [
            {
              id: 'notify',
              type: 'say',
              message: {
                kind: 'template',
                name: 'order_update',
                language: 'en',
                parameters: ['{{contact.name}}'],
                contentSid: `HX${'ab'.repeat(16)}`,
              },
              next: 'more',
            },
            { id: 'more', type: 'say', message: { kind: 'text', text: 'Anything else?' } },
          ],
        },
      },
    });
    const flowId = flow.body.id as string;
    expect(
      (
        await h.call('POST', `/api/v1/workspaces/${h.ws}/flows/${flowId}/publish`, {
          token: h.admin,
          body: {},
        })
      ).status,
    ).toBe(201);
    await h.call('PATCH', `/api/v1/workspaces/${h.ws}/numbers/${numberId}`, {
      token: h.admin,
      body: { flowId },
    });
    const key = (
      await h.call('POST', `/api/v1/workspaces/${h.ws}/api-keys`, {
        token: h.admin,
        body: { name: 'Shop' },
      })
    ).body.key as string;
    const before = twilio.sends.length;
    const started = await h.call('POST', `/api/v1/integrations/flows/${flowId}/start`, {
      token: key,
      body: { numberId, contact: { phone: '+34 600 777 666', name: 'Cai' }, variables: {} },
    });
    expect(started.status).toBe(202);
    const [sent] = await until(async () => {
      const s = twilio.sends.slice(before);
      return s.length > 0 ? s : undefined;
    }, 'the template at Twilio');
    expect(sent?.params).toMatchObject({
      To: 'whatsapp:+34600777666',
      ContentSid: `HX${'ab'.repeat(16)}`,
      ContentVariables: JSON.stringify({ 1: 'Cai' }),
    });
    await until(async () => {
      const rows = await h.client.db
        .select({ error: schema.outbox.error, payload: schema.outbox.payload })
        .from(schema.outbox)
        .where(eq(schema.outbox.numberId, numberId));
      const cai = rows.filter((r) => (r.payload as { to?: string }).to === '34600777666@c.us');
      return cai.some((r) => r.error === OUTSIDE_WINDOW_REASON) || undefined;
    }, 'the free-form reply refused');
    expect(twilio.sends.length).toBe(before + 1);
  });
});
