// Flow size limits on real Postgres: a 2,000-block flow (long texts, menus, positions — the JSON
// a real builder sends) is saved and published within the default body limit; a 10,000-block
// draft is refused with the limit named, and nothing of it is saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../limits.ts';
import { startHarness, type Harness, type Json } from '../integrations/test-harness.ts';

const words = 'Thanks for writing to Acme {{name}}, here is what we can do for you today. ';

/** A chain of `n` blocks: questions with menus and replies of `repeat` sentences, each placed. */
function chainFlow(n: number, repeat = 4): Json {
  const nodes: Json[] = [];
  const positions: Record<string, { x: number; y: number }> = {};
  for (let i = 0; i < n; i++) {
    const id = `block_${i}`;
    const next = i + 1 < n - 1 ? { next: `block_${i + 1}` } : {};
    positions[id] = { x: (i % 40) * 320, y: Math.floor(i / 40) * 240 };
    if (i === n - 1) nodes.push({ id, type: 'end', message: 'Goodbye, {{name}}!' });
    else if (i % 3 === 1)
      nodes.push({
        id,
        type: 'ask',
        prompt: `Question ${i}: which of these suits you best, {{name}}?`,
        saveAs: 'name',
        validation: {
          kind: 'choice',
          options: ['Website', 'Online shop', 'Mobile app', 'Consulting', 'Something else'].map(
            (label) => ({ label }),
          ),
        },
        retryPrompt: 'Please answer with one of the numbers of the menu.',
        ...next,
      });
    else
      nodes.push({
        id,
        type: 'say',
        message: { kind: 'text', text: words.repeat(repeat) },
        ...next,
      });
  }
  nodes.at(-2)!.next = `block_${n - 1}`;
  return {
    schemaVersion: 1,
    triggers: [{ type: 'keyword', keywords: ['big'], match: 'exact' }],
    variables: [{ name: 'name', type: 'string' }],
    start: 'block_0',
    nodes,
    ui: { positions },
  };
}

describe('flow size limits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const newFlow = async (name: string) => {
    const r = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows`, {
      token: h.admin,
      body: { name },
    });
    expect(r.status).toBe(201);
    return { id: String(r.body.id), etag: r.headers.get('etag') ?? '' };
  };

  it('saves and publishes a 2,000-block flow, well within the default body limit', async () => {
    const flow = chainFlow(2_000);
    const bytes = Buffer.byteLength(JSON.stringify(flow));
    // The figure behind WAFLOW_MAX_BODY_KB's default (limits.ts): about 800 KB, a fifth of it.
    expect(bytes).toBeGreaterThan(700 * 1024);
    expect(bytes).toBeLessThan((defaultLimits.maxBodyKb * 1024) / 4);
    const { id, etag } = await newFlow('Two thousand blocks');
    const saved = await h.call('PUT', `/api/v1/workspaces/${h.ws}/flows/${id}/draft`, {
      token: h.admin,
      body: flow,
      headers: { 'if-match': etag },
    });
    expect(saved.status, JSON.stringify(saved.body).slice(0, 400)).toBe(200);
    expect(saved.body.errors).toEqual([]);
    const published = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows/${id}/publish`, {
      token: h.admin,
      body: {},
    });
    expect(published.status, JSON.stringify(published.body).slice(0, 400)).toBe(201);
  });

  it('refuses a 10,000-block draft with the limit and its variable named, saving nothing', async () => {
    const { id, etag } = await newFlow('Ten thousand blocks');
    const refused = await h.call('PUT', `/api/v1/workspaces/${h.ws}/flows/${id}/draft`, {
      token: h.admin,
      body: chainFlow(10_000, 1),
      headers: { 'if-match': etag },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'FLOW_TOO_LARGE',
      message: expect.stringMatching(
        /^This flow has 10,000 blocks; a flow can have at most 2,000 \(WAFLOW_MAX_FLOW_BLOCKS\)\./,
      ),
      details: { blocks: 10_000, max: 2_000 },
    });
    const after = await h.call('GET', `/api/v1/workspaces/${h.ws}/flows/${id}`, {
      token: h.admin,
    });
    expect(after.headers.get('etag')).toBe(etag);
    expect((after.body.draft as { nodes: unknown[] }).nodes).toHaveLength(1);
  });

  it('refuses an oversized flow on import too, and reads the cap from WAFLOW_MAX_FLOW_BLOCKS', async () => {
    const small = await startHarness({ WAFLOW_MAX_FLOW_BLOCKS: '10' });
    try {
      const r = await small.call('POST', `/api/v1/workspaces/${small.ws}/flows/import`, {
        token: small.admin,
        body: { name: 'Too big here', config: chainFlow(11) },
      });
      expect(r.status).toBe(422);
      expect(r.body.error).toMatchObject({
        code: 'FLOW_TOO_LARGE',
        message: expect.stringContaining('This flow has 11 blocks; a flow can have at most 10'),
      });
    } finally {
      await small.close();
    }
  });
});
