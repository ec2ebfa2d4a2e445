// A Cloud API number set up over HTTP on real Postgres: added through the API with its credentials
// (sealed, never returned), Meta's subscription check, the connection checked on demand, and bad
// or missing signatures refused with 401, nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import {
  graphFailure,
  messageWebhook,
  postSigned,
  type GraphApiDouble,
  type WebhookTarget,
} from '@waflow/testkit/graph-api';
import { until, type Harness } from '../integrations/test-harness.ts';
import {
  ACCESS_TOKEN,
  APP_SECRET,
  PHONE_NUMBER_ID,
  WABA_ID,
  ana,
  cloudApiReads,
  startCloudApi,
  type CloudApi,
} from './cloud-api-test-harness.ts';

describe('a WhatsApp Cloud API number: setup', () => {
  let c: CloudApi;
  let graph: GraphApiDouble;
  let h: Harness;
  let base = '';
  let numberId = '';
  let target: WebhookTarget;
  let verifyToken = '';
  const { inboundCount } = cloudApiReads(
    () => graph,
    () => h,
    () => numberId,
  );

  beforeAll(async () => {
    c = await startCloudApi();
    ({ graph, h, base } = c);
  });
  afterAll(async () => {
    await c.close();
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
});
