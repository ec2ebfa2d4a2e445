// The integrator API's keys on real Postgres: calls without a valid key, a key's rate limit across
// every integrator route, a revoked key, and expired Idempotency-Keys forgotten as new ones come in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { hashApiKey } from '../../middleware/api-key.ts';
import { integrator, startIntegrations } from './integrations-test-harness.ts';
import { until, type Harness, type Json } from './test-harness.ts';

describe('the integrator API: keys', () => {
  let h: Harness;
  let apiKey = '';
  const { startBody, start } = integrator(
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
});
