// A ready Cloud API number over HTTP on real Postgres: a choice sent as reply buttons (a tap, the
// typed number and label pick the same option), and the 24-hour window enforced before any HTTP
// call, a template going through it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { OUTSIDE_WINDOW_REASON } from '@waflow/runtime';
import { schema } from '@waflow/db';
import {
  messageWebhook,
  postSigned,
  type ContactMessage,
  type GraphApiDouble,
  type WebhookTarget,
} from '@waflow/testkit/graph-api';
import { until, type Harness } from '../integrations/test-harness.ts';
import { expectRefusedOutsideWindow } from './provider-test-harness.ts';
import {
  APP_SECRET,
  addCloudApiNumber,
  startCloudApi,
  type CloudApi,
} from './cloud-api-test-harness.ts';

describe('a WhatsApp Cloud API number: choices and the 24-hour window', () => {
  let c: CloudApi;
  let graph: GraphApiDouble;
  let h: Harness;
  let numberId = '';
  let target: WebhookTarget;

  beforeAll(async () => {
    c = await startCloudApi();
    ({ graph, h } = c);
    ({ numberId, target } = await addCloudApiNumber(c));
  });
  afterAll(async () => {
    await c.close();
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
