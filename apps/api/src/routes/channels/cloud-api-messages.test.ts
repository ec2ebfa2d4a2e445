// A ready Cloud API number's conversation with Ana over HTTP on real Postgres: signed webhooks
// persisted and answered through the Graph API double, a redelivery counted once, statuses as
// acks, rate limits retried without a double send, and inbound media downloaded by id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
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
  APP_SECRET,
  addCloudApiNumber,
  ana,
  cloudApiReads,
  startCloudApi,
  type CloudApi,
} from './cloud-api-test-harness.ts';

describe('a WhatsApp Cloud API number: messages', () => {
  let c: CloudApi;
  let graph: GraphApiDouble;
  let h: Harness;
  let numberId = '';
  let target: WebhookTarget;
  const { textsTo, inboundCount } = cloudApiReads(
    () => graph,
    () => h,
    () => numberId,
  );

  beforeAll(async () => {
    c = await startCloudApi();
    ({ graph, h } = c);
    ({ numberId, target } = await addCloudApiNumber(c));
  });
  afterAll(async () => {
    await c.close();
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
});
