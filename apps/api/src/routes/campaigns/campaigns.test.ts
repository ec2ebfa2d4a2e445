// Campaigns through the API on real Postgres with the embedded runtime (sandbox number): a
// segment of tag + attribute conditions chosen at start, the lifecycle with plain-words refusals,
// bad input refused with each problem, roles, and the same campaign driven with an API key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '@waflow/db';
import { startHarness, until, type Harness, type Json } from '../integrations/test-harness.ts';

describe('campaign routes', () => {
  let h: Harness;
  let base = '';
  beforeAll(async () => {
    h = await startHarness();
    base = `/api/v1/workspaces/${h.ws}/campaigns`;
    const contact = (i: number, tags: string[], city: string) => ({
      workspaceId: h.ws,
      numberId: h.numberId,
      waId: `3461000000${i}@c.us`,
      name: `Person ${i}`,
      tags,
      attributes: { city },
    });
    await h.client.db
      .insert(schema.contacts)
      .values([
        contact(1, ['vip'], 'Madrid'),
        contact(2, ['vip'], 'madrid'),
        contact(3, ['vip'], 'Sevilla'),
        contact(4, [], 'Madrid'),
        { ...contact(5, ['vip'], 'Madrid'), optedOutAt: new Date() },
      ]);
  });
  afterAll(() => h.close());

  const segment = {
    kind: 'segment',
    conditions: [
      { type: 'tag', tag: 'vip' },
      { type: 'attribute', key: 'city', op: 'eq', value: 'Madrid' },
    ],
  };
  const body = (extra: Json = {}) => ({
    name: 'Spring sale',
    audience: segment,
    content: { kind: 'message', text: 'Spring sale today' },
    numberIds: [h.numberId],
    settings: { pacing: { perMinute: 600, jitter: 0.2, dailyCap: null, window: null } },
    ...extra,
  });

  it('starts a segment of tag and attribute conditions and sends to the matching contacts only', async () => {
    const r = await h.call('POST', base, { token: h.admin, body: body({ start: true }) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.audienceText).toBe('contacts tagged "vip" and city is "Madrid"');
    expect(r.body.status).toBe('running');
    // Two match (the city compared without case); the opted-out one is chosen and skipped.
    expect(r.body.total).toBe(3);
    const id = r.body.id as string;
    const done = await until(async () => {
      const got = await h.call('GET', `${base}/${id}`, { token: h.admin });
      return got.body.status === 'completed' ? got.body : undefined;
    }, 'the campaign to complete');
    expect(done.counts).toMatchObject({ sent: 2, skipped: 1, queued: 0 });
    const to = h.sandbox.sent.filter(
      (s) => s.message.type === 'text' && s.message.text === 'Spring sale today',
    );
    expect(to.map((s) => s.message.to).sort()).toEqual(['34610000001@c.us', '34610000002@c.us']);
    const list = await h.call('GET', `${base}/${id}/recipients?status=skipped`, { token: h.admin });
    expect(list.body.items).toMatchObject([{ contact: '34610000005@c.us', reason: 'opted out' }]);
    const res = await h.app.request(`${base}/${id}/recipients.csv`, {
      headers: { authorization: `Bearer ${h.admin}` },
    });
    const csv = await res.text();
    expect(csv.split(/\r?\n/)[0]).toBe(
      'contact,name,status,reason,sent_at,delivered_at,read_at,replied_at',
    );
    expect(csv.trim().split(/\r?\n/)).toHaveLength(4);
    // Finished: a resume says why not, in words.
    const again = await h.call('POST', `${base}/${id}/resume`, { token: h.admin });
    expect(again.status).toBe(409);
    expect((again.body.error as Json).message).toBe(
      'This campaign cannot resume now: it has finished sending; create a new campaign to send again.',
    );
  });

  it('refuses a bad campaign with every problem and changes nothing', async () => {
    const before = (await h.client.db.select().from(schema.campaigns)).length;
    const r = await h.call('POST', base, {
      token: h.admin,
      body: body({
        audience: { kind: 'segment', conditions: [{ type: 'tag' }] },
        content: { kind: 'message', text: '' },
        settings: { busy: 'later' },
      }),
    });
    expect(r.status).toBe(422);
    expect((r.body.error as { details: { problems: string[] } }).details.problems).toEqual([
      'audience.conditions[0]: name the tag',
      'content.text: write the message to send',
      'settings.busy is wait (send after their conversation ends) or skip',
    ]);
    const past = await h.call('POST', base, {
      token: h.admin,
      body: body({ sendAt: '2020-01-01T09:00' }),
    });
    expect(past.status).toBe(422);
    expect((past.body.error as Json).message).toMatch(/has passed: choose a later time/);
    expect((await h.client.db.select().from(schema.campaigns)).length).toBe(before);
  });

  it('schedules in the workspace time zone, pauses, resumes and cancels; a viewer only reads', async () => {
    await h.call('PATCH', `/api/v1/workspaces/${h.ws}`, {
      token: h.admin,
      body: { settings: { timezone: 'Europe/Madrid' } },
    });
    const r = await h.call('POST', base, {
      token: h.admin,
      body: body({ sendAt: '2099-07-01T09:00' }),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      status: 'scheduled',
      timeZone: 'Europe/Madrid',
      scheduledAt: '2099-07-01T07:00:00.000Z',
    });
    const id = r.body.id as string;
    const viewer = await h.member('viewer');
    expect((await h.call('GET', `${base}/${id}`, { token: viewer })).status).toBe(200);
    expect((await h.call('POST', `${base}/${id}/pause`, { token: viewer })).status).toBe(403);
    expect((await h.call('POST', `${base}/${id}/pause`, { token: h.admin })).body.status).toBe(
      'paused',
    );
    expect((await h.call('POST', `${base}/${id}/resume`, { token: h.admin })).body.status).toBe(
      'running',
    );
    const cancelled = await h.call('POST', `${base}/${id}/cancel`, { token: h.admin });
    expect(cancelled.body.status).toBe('cancelled');
  });

  it('lets an integrator create, pause, cancel and read a campaign with an API key', async () => {
    const key = (
      await h.call('POST', `/api/v1/workspaces/${h.ws}/api-keys`, {
        token: h.admin,
        body: { name: 'CRM' },
      })
    ).body.key as string;
    const api = '/api/v1/integrations/campaigns';
    const r = await h.call('POST', api, { token: key, body: body({ sendAt: '2099-07-01T09:00' }) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = r.body.id as string;
    expect((await h.call('POST', `${api}/${id}/pause`, { token: key })).body.status).toBe('paused');
    expect((await h.call('POST', `${api}/${id}/cancel`, { token: key })).body.status).toBe(
      'cancelled',
    );
    expect((await h.call('GET', `${api}/${id}/recipients`, { token: key })).body).toEqual({
      items: [],
      nextCursor: null,
    });
    // Another workspace's campaign is not found with this key.
    const theirs = await h.otherWorkspace();
    const [other] = await h.client.db
      .insert(schema.campaigns)
      .values({
        workspaceId: theirs.ws,
        name: 'x',
        audience: { kind: 'all' },
        content: {},
        settings: {},
      })
      .returning();
    expect((await h.call('GET', `${api}/${other?.id}`, { token: key })).status).toBe(404);
  });
});
