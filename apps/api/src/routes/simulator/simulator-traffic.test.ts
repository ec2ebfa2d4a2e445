// Simulator traffic is marked by its number (a sandbox number pinned to a draft snapshot) and
// kept out of production: no webhook endpoint hears of it, and integrator results leave its runs
// out unless asked with include=simulator. The same flow on a real number still sends both.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, until, type Harness } from '../integrations/test-harness.ts';

describe('simulator traffic', () => {
  let h: Harness;
  let apiKey = '';
  let sessionId = '';
  beforeAll(async () => {
    h = await startHarness();
    expect(
      (
        await h.call('POST', `/api/v1/workspaces/${h.ws}/webhooks`, {
          token: h.admin,
          body: { url: `${h.receiver.url}/all`, events: ['*'] },
        })
      ).status,
    ).toBe(201);
    apiKey = String(
      (
        await h.call('POST', `/api/v1/workspaces/${h.ws}/api-keys`, {
          token: h.admin,
          body: { name: 'results' },
        })
      ).body.key,
    );

    // The same published flow, once on the production sandbox number and once in the simulator.
    const started = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows/${h.flowId}/simulator`, {
      token: h.admin,
    });
    sessionId = String(started.body.sessionId);
    const simulator = await h.runtime.attachSandbox(sessionId);
    for (const text of ['hi', 'Ada']) {
      const before = simulator.sent.length;
      expect(
        (
          await h.call('POST', `/api/v1/workspaces/${h.ws}/simulator/${sessionId}/messages`, {
            token: h.admin,
            body: { text },
          })
        ).status,
      ).toBe(202);
      await until(
        () => (simulator.sent.length > before ? true : undefined),
        'the simulated bot to answer',
      );
    }
    for (const text of ['hi', 'Bob']) {
      const before = h.sandbox.sent.length;
      h.sandbox.deliver({ from: '34600000077@c.us', text });
      await until(() => (h.sandbox.sent.length > before ? true : undefined), 'the bot to answer');
    }
    await h.runtime.idle();
  });
  afterAll(async () => {
    await h.close();
  });

  const deliveriesOn = async (numberId: string) =>
    (
      await h.client.query<{ n: string }>(
        `select count(*)::text as n from webhook_deliveries d
         where d.payload->'data'->>'numberId' = $1
            or d.payload->'data'->>'conversationId' in (select id::text from conversations where number_id = $1::uuid)`,
        [numberId],
      )
    )[0]?.n;

  it('reaches no webhook endpoint, while the same flow on a real number does', async () => {
    await until(
      async () => (Number(await deliveriesOn(h.numberId)) > 0 ? true : undefined),
      'production deliveries',
    );
    expect(Number(await deliveriesOn(sessionId))).toBe(0);
  });

  it('is left out of integrator results unless include=simulator, and says which runs are simulated', async () => {
    const sessionConversations = await h.client.db.execute(
      sql`select id from conversations where number_id = ${sessionId}`,
    );
    expect(sessionConversations).toHaveLength(1);
    const list = async (query = '') => {
      const res = await h.app.request(`/api/v1/integrations/results${query}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: { conversationId: string; simulator: boolean }[] })
        .items;
    };
    const simulated = String((sessionConversations as unknown as { id: string }[])[0]?.id);
    const production = await list();
    expect(production.length).toBeGreaterThan(0);
    expect(production.map((r) => r.conversationId)).not.toContain(simulated);
    expect(production.every((r) => !r.simulator)).toBe(true);
    const all = await list('?include=simulator');
    expect(all.find((r) => r.conversationId === simulated)?.simulator).toBe(true);
    expect(all.length).toBe(production.length + 1);
    const bad = await h.app.request('/api/v1/integrations/results?include=everything', {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(bad.status).toBe(400);
  });
});
