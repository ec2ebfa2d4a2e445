// The operator's limits through the API on real Postgres, set as an operator would (environment
// variables read by env.ts, small here): webhook endpoints per workspace, integrator requests per
// workspace across all its keys, messages and flow starts per destination phone, and requests
// with unknown keys per client address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '@waflow/db';
import { hashApiKey } from '../../middleware/api-key.ts';
import { startHarness, type Harness, type Json } from './test-harness.ts';

describe('limits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      WAFLOW_MAX_WEBHOOK_ENDPOINTS: '2',
      WAFLOW_API_WORKSPACE_RATE_PER_MIN: '40',
      WAFLOW_API_DESTINATION_RATE_PER_MIN: '3',
      WAFLOW_API_BAD_KEY_RATE_PER_MIN: '4',
    });
  });
  afterAll(async () => {
    await h.close();
  });

  const newKey = async (name: string) =>
    (
      await h.call('POST', `/api/v1/workspaces/${h.ws}/api-keys`, {
        token: h.admin,
        body: { name },
      })
    ).body.key as string;
  const errorOf = (r: { body: Json }) => r.body.error as { code: string; message: string };

  it('refuses a webhook endpoint past the most a workspace may have, saying what to do', async () => {
    const base = `/api/v1/workspaces/${h.ws}/webhooks`;
    const add = (path: string) =>
      h.call('POST', base, {
        token: h.admin,
        body: { url: `${h.receiver.url}${path}`, events: ['lead.captured'] },
      });
    expect((await add('/one')).status).toBe(201);
    const second = await add('/two');
    expect(second.status).toBe(201);
    const third = await add('/three');
    expect(third.status).toBe(409);
    expect(errorOf(third).code).toBe('TOO_MANY_WEBHOOK_ENDPOINTS');
    expect(errorOf(third).message).toMatch(/the most allowed \(2\): remove one/);
    // Removing one makes room again.
    expect(
      (await h.call('DELETE', `${base}/${String(second.body.id)}`, { token: h.admin })).status,
    ).toBe(204);
    expect((await add('/three')).status).toBe(201);
  });

  it('limits messages and flow starts to one phone, whichever keys send them', async () => {
    const [a, b] = [await newKey('CRM'), await newKey('Marketing')];
    const send = (token: string, to: string, text: string) =>
      h.call('POST', '/api/v1/integrations/messages', {
        token,
        body: { numberId: h.numberId, to, text },
      });
    expect((await send(a, '+34600777001', 'one')).status).toBe(202);
    expect((await send(b, '+34600777001', 'two')).status).toBe(202);
    expect((await send(a, '+34600777001', 'three')).status).toBe(202);
    const fourth = await send(b, '+34600777001', 'four');
    expect(fourth.status).toBe(429);
    expect(errorOf(fourth).code).toBe('DESTINATION_RATE_LIMITED');
    expect(errorOf(fourth).message).toMatch(
      /sends \+34600777001 more than 3 messages or flow starts a minute: wait \d+ s/,
    );
    expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
    // A flow start to that phone counts too; another phone is not held up.
    const start = await h.call('POST', `/api/v1/integrations/flows/${h.flowId}/start`, {
      token: a,
      body: { numberId: h.numberId, contact: { phone: '+34600777001' } },
    });
    expect(start.status).toBe(429);
    expect(errorOf(start).code).toBe('DESTINATION_RATE_LIMITED');
    expect((await send(a, '+34600777002', 'hello')).status).toBe(202);
  });

  it("limits a workspace's keys together, however many keys it makes", async () => {
    const other = await h.otherWorkspace();
    const keys = [1, 2, 3, 4, 5].map((i) => `wf_${String(i).repeat(43)}`);
    for (const key of keys)
      await h.client.db.insert(schema.apiKeys).values({
        workspaceId: other.ws,
        name: `Flood ${key[3]}`,
        prefix: key.slice(0, 10),
        keyHash: hashApiKey(key),
      });
    // A burst of a quarter of the minute's 40: ten requests, whichever keys make them.
    const answers = [];
    for (let i = 0; i < 15; i++)
      answers.push(
        await h.call('GET', '/api/v1/integrations/results?limit=1', {
          token: keys[i % keys.length],
        }),
      );
    const limited = answers.filter((a) => a.status === 429);
    expect(answers.slice(0, 10).every((a) => a.status === 200)).toBe(true);
    expect(limited.length).toBeGreaterThan(0);
    expect(errorOf(limited[0] ?? { body: {} }).code).toBe('WORKSPACE_RATE_LIMITED');
    expect(Number(limited[0]?.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another workspace's keys are not slowed down by it.
    expect(
      (await h.call('GET', '/api/v1/integrations/results?limit=1', { token: await newKey('Ours') }))
        .status,
    ).toBe(200);
  });

  // Last: it leaves this test client's address refused for a while.
  it('refuses an address that keeps trying unknown keys before looking any more up', async () => {
    const guesses = [];
    for (let i = 0; i < 6; i++)
      guesses.push(
        await h.call('GET', '/api/v1/integrations/results', {
          token: `wf_guess${String(i).repeat(40)}`,
        }),
      );
    expect(guesses.slice(0, 4).map((g) => g.status)).toEqual([401, 401, 401, 401]);
    const refused = guesses[4] ?? { status: 0, headers: new Headers(), body: {} };
    expect(refused.status).toBe(429);
    expect(errorOf(refused).code).toBe('TOO_MANY_BAD_KEYS');
    expect(errorOf(refused).message).toMatch(/missing, unknown or revoked API key: wait \d+ s/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(guesses[5]?.status).toBe(429);
  });
});
