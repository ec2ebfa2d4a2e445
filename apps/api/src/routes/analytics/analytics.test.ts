// The analytics routes on real Postgres with the embedded runtime: two contacts start the lead
// flow through the sandbox, and the Overview and the block figures say so — for a viewer of the
// workspace and for an API key, as JSON and as CSV; bad ranges and versions get clear answers,
// another workspace's flow is not found, and no token is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, until, type Harness } from '../integrations/test-harness.ts';

describe('analytics routes', () => {
  let h: Harness;
  let viewer = '';
  let apiKey = '';
  beforeAll(async () => {
    h = await startHarness();
    viewer = await h.member('viewer');
    apiKey = (
      await h.call('POST', `/api/v1/workspaces/${h.ws}/api-keys`, {
        token: h.admin,
        body: { name: 'BI' },
      })
    ).body.key as string;
    // welcome (say) then ask_name: two replies each.
    for (const [i, from] of ['34600000001@c.us', '34600000002@c.us'].entries()) {
      h.sandbox.deliver({ from, text: 'hi' });
      await until(() => (h.sandbox.sent.length >= 2 * (i + 1) ? true : undefined), 'the replies');
    }
  });
  afterAll(() => h.close());

  const web = (path: string, token = viewer) =>
    h.call('GET', `/api/v1/workspaces/${h.ws}/analytics${path}`, { token });
  const api = (path: string) =>
    h.call('GET', `/api/v1/integrations/analytics${path}`, { token: apiKey });

  it('gives a viewer the Overview per day, and an API key the same figures', async () => {
    const r = await web('/overview');
    expect(r.status).toBe(200);
    const totals = r.body.totals as Record<string, unknown>;
    expect(totals).toMatchObject({ messagesIn: 2, messagesOut: 4, started: 2, completed: 0 });
    expect((r.body.days as unknown[]).length).toBeGreaterThanOrEqual(7);
    expect(r.body.numbers).toEqual([expect.objectContaining({ id: h.numberId, label: 'Sales' })]);
    const i = await api('/overview');
    expect(i.status).toBe(200);
    expect(i.body.totals).toEqual(totals);
  });

  it('gives the blocks of a flow: reached, left towards the next, stopped there', async () => {
    const r = await web(`/flows/${h.flowId}/blocks?versions=1`);
    expect(r.status).toBe(200);
    const blocks = r.body.blocks as { nodeId: string; entered: number; stopped: number }[];
    expect(blocks.find((b) => b.nodeId === 'welcome')).toMatchObject({ entered: 2, stopped: 0 });
    expect(blocks.find((b) => b.nodeId === 'ask_name')).toMatchObject({
      entered: 2,
      stopped: 2,
      dropOffPct: 100,
    });
    expect(r.body.edges).toEqual([{ from: 'welcome', to: 'ask_name', count: 2 }]);
    expect(r.body.versions).toEqual([expect.objectContaining({ version: 1 })]);
    expect((await api(`/flows/${h.flowId}/blocks`)).body.blocks).toEqual(blocks);
  });

  it('exports both as CSV', async () => {
    const res = await h.app.request(`/api/v1/integrations/analytics/flows/${h.flowId}/blocks.csv`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'block,reached,left,stopped,drop_off_pct,invalid_answers,http_failures,median_time_ms,exits',
    );
    expect(lines).toContain('welcome,2,2,0,0,0,0,0,ask_name:2');
    const day = await h.app.request(`/api/v1/workspaces/${h.ws}/analytics/overview.csv`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    const rows = (await day.text()).trim().split('\r\n');
    expect(rows[0]).toContain('day,messages_in,messages_out,conversations_started');
    expect(rows.some((l) => /^\d{4}-\d\d-\d\d,2,4,2,0,0,0,0,/.test(l))).toBe(true);
  });

  it('refuses bad input with what to change', async () => {
    const swapped = await web('/overview?from=2026-02-01&to=2026-01-01');
    expect(swapped.status).toBe(400);
    expect(JSON.stringify(swapped.body)).toContain('from is before to');
    const tooLong = await web('/overview?from=2020-01-01&to=2026-01-01');
    expect(tooLong.status).toBe(400);
    expect((tooLong.body.error as { code: string }).code).toBe('RANGE_TOO_LONG');
    const version = await web(`/flows/${h.flowId}/blocks?versions=7`);
    expect(version.status).toBe(400);
    expect((version.body.error as { message: string }).message).toContain('choose among 1');
    const junk = await web(`/flows/${h.flowId}/blocks?versions=abc`);
    expect(junk.status).toBe(400);
  });

  it("finds no other workspace's flow and answers no one without a token", async () => {
    const other = await h.otherWorkspace();
    expect((await web(`/flows/${other.flowId}/blocks`)).status).toBe(404);
    expect((await api(`/flows/${other.flowId}/blocks`)).status).toBe(404);
    expect((await h.call('GET', `/api/v1/workspaces/${h.ws}/analytics/overview`)).status).toBe(401);
  });
});
