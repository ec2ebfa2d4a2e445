// POST /integrations/contacts: an integrator writes contacts in bulk with an API key; the same
// Idempotency-Key and body replay the first answer (nothing written twice), the same key with
// another body is a 409; a request with one bad contact is refused whole, each problem named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { startHarness, type Harness } from './test-harness.ts';

describe('contacts upsert by the integrator API', () => {
  let h: Harness;
  let apiKey = '';
  const upsert = (body: unknown, key?: string) =>
    h.call('POST', '/api/v1/integrations/contacts', {
      token: apiKey,
      body,
      ...(key ? { headers: { 'idempotency-key': key } } : {}),
    });
  const rows = async () =>
    (
      await h.client.db
        .select()
        .from(schema.contacts)
        .where(eq(schema.contacts.workspaceId, h.ws))
        .orderBy(schema.contacts.phone)
    ).map((c) => [c.phone, c.name, c.tags, c.attributes, c.optedOutAt !== null]);

  beforeAll(async () => {
    h = await startHarness();
    apiKey = (
      await h.call('POST', `/api/v1/workspaces/${h.ws}/api-keys`, {
        token: h.admin,
        body: { name: 'CRM' },
      })
    ).body.key as string;
    await h.call('POST', `/api/v1/workspaces/${h.ws}/contact-tags`, {
      token: h.admin,
      body: { name: 'customer' },
    });
    await h.call('POST', `/api/v1/workspaces/${h.ws}/contact-attributes`, {
      token: h.admin,
      body: { key: 'plan', label: 'Plan', type: 'text' },
    });
  });
  afterAll(async () => h?.close());

  it('creates and updates contacts once per Idempotency-Key, and refuses the key for another body', async () => {
    const body = {
      contacts: [
        { phone: '+34 600 111 001', name: 'Ana', tags: ['customer'], attributes: { plan: 'pro' } },
        { phone: '0034600111002', optedOut: true },
      ],
    };
    const first = await upsert(body, 'sync-1');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ created: 2, updated: 0 });
    const again = await upsert(body, 'sync-1');
    expect(again.body).toEqual({ created: 2, updated: 0 });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await rows()).toEqual([
      ['+34600111001', 'Ana', ['customer'], { plan: 'pro' }, false],
      ['+34600111002', null, [], {}, true],
    ]);
    const other = await upsert({ contacts: [{ phone: '+34600111001', name: 'Ann' }] }, 'sync-1');
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    const update = await upsert(
      { contacts: [{ phone: '+34600111001', attributes: { plan: 'team' } }] },
      'sync-2',
    );
    expect(update.body).toEqual({ created: 0, updated: 1 });
    expect((await rows())[0]).toEqual([
      '+34600111001',
      'Ana',
      ['customer'],
      { plan: 'team' },
      false,
    ]);
  });

  it('refuses to message or start a flow for an opted-out contact', async () => {
    const send = await h.call('POST', '/api/v1/integrations/messages', {
      token: apiKey,
      body: { numberId: h.numberId, to: '+34600111002', text: 'Sale today!' },
    });
    expect(send.status).toBe(409);
    expect(send.body).toMatchObject({ error: { code: 'CONTACT_OPTED_OUT' } });
    const start = await h.call('POST', `/api/v1/integrations/flows/${h.flowId}/start`, {
      token: apiKey,
      body: { numberId: h.numberId, contact: { phone: '+34600111002' } },
    });
    expect(start.body).toMatchObject({ error: { code: 'CONTACT_OPTED_OUT' } });
    expect(h.sandbox.sent).toEqual([]);
  });

  it('refuses a request with a bad contact whole, naming each problem by index', async () => {
    const res = await upsert({
      contacts: [
        { phone: '+34600111003', name: 'Fine' },
        { phone: 'call me' },
        { phone: '+34600111004', tags: ['gold'], attributes: { shoe: 42 } },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: {
        code: 'INVALID_CONTACTS',
        details: [
          {
            index: 1,
            field: 'phone',
            message: '"call me" is not a phone with its country code, e.g. +34600123456',
          },
          { index: 2, field: 'tags', message: '"gold" is not a tag of this workspace' },
          { index: 2, field: 'attributes' },
        ],
      },
    });
    expect(await rows()).toHaveLength(2);
    expect(
      (await h.call('POST', '/api/v1/integrations/contacts', { body: { contacts: [] } })).status,
    ).toBe(401);
  });
});
