// The contacts API on real Postgres: list with search and filters (tag, attribute value, opt-out),
// one contact, edit (typed attributes, declared tags only, opt-out on their behalf but never back
// in), tags on many at once, the CSV export an import reads back, erase, and the roles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type Json } from '../integrations/test-harness.ts';

describe('the contacts API', () => {
  let h: Harness;
  const ws = () => `/api/v1/workspaces/${h.ws}`;
  const list = async (query = '') =>
    (
      (await h.call('GET', `${ws()}/contacts${query}`, { token: h.admin })).body.items as Json[]
    ).map((c) => c.name);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness();
    for (const name of ['vip', 'lead'])
      await h.call('POST', `${ws()}/contact-tags`, { token: h.admin, body: { name } });
    await h.call('POST', `${ws()}/contact-attributes`, {
      token: h.admin,
      body: { key: 'city', label: 'City', type: 'text' },
    });
    await h.call('POST', `${ws()}/contact-attributes`, {
      token: h.admin,
      body: { key: 'age', label: 'Age', type: 'number' },
    });
    const csv =
      'phone,name,tags,city,age\n+34600000001,Ana,vip,Madrid,30\n+34600000002,Bea,,Porto,41\n+34600000003,Carl,vip;lead,Madrid,\n';
    await h.call('POST', `${ws()}/contacts/import`, {
      token: h.admin,
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    for (const c of (await h.call('GET', `${ws()}/contacts`, { token: h.admin })).body
      .items as Json[])
      ids[String(c.name)] = String(c.id);
  });
  afterAll(async () => h?.close());

  it('lists newest first, searches by name or phone, filters by tag, attribute and opt-out', async () => {
    expect((await list()).sort()).toEqual(['Ana', 'Bea', 'Carl']);
    expect(await list('?q=be')).toEqual(['Bea']);
    expect(await list('?q=600000003')).toEqual(['Carl']);
    expect((await list('?tag=vip')).sort()).toEqual(['Ana', 'Carl']);
    expect((await list('?attribute=city&value=Madrid')).sort()).toEqual(['Ana', 'Carl']);
    expect((await list('?attribute=age')).sort()).toEqual(['Ana', 'Bea']);
    expect(await list('?optedOut=true')).toEqual([]);
    const page = await h.call('GET', `${ws()}/contacts?limit=2`, { token: h.admin });
    const next = await h.call(
      'GET',
      `${ws()}/contacts?limit=2&cursor=${String(page.body.nextCursor)}`,
      { token: h.admin },
    );
    expect([...(page.body.items as Json[]), ...(next.body.items as Json[])]).toHaveLength(3);
    const one = await h.call('GET', `${ws()}/contacts/${ids.Ana}`, { token: h.admin });
    expect(one.body).toMatchObject({
      phone: '+34600000001',
      waId: '34600000001@c.us',
      tags: ['vip'],
      attributes: { city: 'Madrid', age: 30 },
      optedOutAt: null,
      conversations: 0,
    });
    expect((await h.call('GET', `${ws()}/contacts/nope`, { token: h.admin })).status).toBe(404);
  });

  it('edits a contact with typed attributes and declared tags, and opts out but never back in', async () => {
    const patch = (body: Json) =>
      h.call('PATCH', `${ws()}/contacts/${ids.Bea}`, { token: h.admin, body });
    const edited = await patch({ name: 'Beatriz', attributes: { age: '42', city: null } });
    expect(edited.body).toMatchObject({ name: 'Beatriz', attributes: { age: 42 } });
    expect((await patch({ attributes: { age: 'old' } })).body).toMatchObject({
      error: {
        code: 'WRONG_ATTRIBUTE_TYPE',
        message: 'attributes.age (number): "old" is not a number (write it like 42 or 3.5).',
      },
    });
    expect((await patch({ attributes: { shoe: 42 } })).body).toMatchObject({
      error: { code: 'UNKNOWN_ATTRIBUTE' },
    });
    expect((await patch({ tags: ['gold'] })).body).toMatchObject({
      error: {
        code: 'UNKNOWN_TAG',
        message: '"gold" is not a tag of this workspace: declare it first.',
      },
    });
    expect((await patch({ optedOut: true })).body).toMatchObject({
      optedOutReason: 'opted out by the team',
    });
    expect((await patch({ optedOut: false })).status).toBe(400);
    expect(await list('?optedOut=true')).toEqual(['Beatriz']);
    const editor = await h.member('editor');
    expect(
      (await h.call('PATCH', `${ws()}/contacts/${ids.Ana}`, { token: editor, body: { name: 'A' } }))
        .status,
    ).toBe(200);
    const viewer = await h.member('viewer');
    expect(
      (await h.call('PATCH', `${ws()}/contacts/${ids.Ana}`, { token: viewer, body: { name: 'V' } }))
        .status,
    ).toBe(403);
    await h.call('PATCH', `${ws()}/contacts/${ids.Ana}`, { token: h.admin, body: { name: 'Ana' } });
  });

  it('adds and removes tags on many contacts at once', async () => {
    const tag = (body: Json) => h.call('POST', `${ws()}/contacts/tag`, { token: h.admin, body });
    expect((await tag({ ids: [ids.Ana, ids.Bea], add: ['lead'] })).body).toEqual({ updated: 2 });
    expect((await list('?tag=lead')).sort()).toEqual(['Ana', 'Beatriz', 'Carl']);
    expect((await tag({ ids: [ids.Ana, ids.Carl], remove: ['vip'] })).body).toEqual({ updated: 2 });
    expect(await list('?tag=vip')).toEqual([]);
    expect((await tag({ ids: [ids.Ana], add: ['gold'] })).body).toMatchObject({
      error: { code: 'UNKNOWN_TAG' },
    });
    const other = await h.otherWorkspace();
    expect((await tag({ ids: [other.numberId], add: ['lead'] })).body).toEqual({ updated: 0 });
  });

  it('exports the filtered contacts as a CSV an import reads back', async () => {
    const res = await h.app.request(`${ws()}/contacts.csv?tag=lead`, {
      headers: { authorization: `Bearer ${h.admin}` },
    });
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'phone,name,tags,opted_out,age,city,opted_out_at,opted_out_reason,first_seen_at,last_seen_at,conversations',
    );
    // A phone's + would make a spreadsheet read a formula: defused with ' (an import undoes it).
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',').slice(0, 6).join(','))
        .sort(),
    ).toEqual([
      "'+34600000001,Ana,lead,no,30,Madrid",
      "'+34600000002,Beatriz,lead,yes,42,",
      "'+34600000003,Carl,lead,no,,Madrid",
    ]);
    const back = await h.call('POST', `${ws()}/contacts/import`, {
      token: h.admin,
      body: lines.join('\n'),
      headers: { 'content-type': 'text/csv' },
    });
    expect(back.body).toMatchObject({ created: 0, updated: 3, failed: 0 });
  });

  it('erases a contact', async () => {
    expect(
      (await h.call('DELETE', `${ws()}/contacts/${ids.Carl}`, { token: h.admin })).status,
    ).toBe(200);
    expect((await list()).sort()).toEqual(['Ana', 'Beatriz']);
    expect(
      (await h.call('DELETE', `${ws()}/contacts/${ids.Carl}`, { token: h.admin })).status,
    ).toBe(404);
  });
});

describe('publishing a flow that uses contact attributes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('refuses an attribute the workspace does not declare, and publishes once it is declared', async () => {
    const ws = `/api/v1/workspaces/${h.ws}`;
    const config = {
      schemaVersion: 1,
      triggers: [{ type: 'any' }],
      variables: [{ name: 'answer', type: 'string' }],
      start: 'save',
      nodes: [
        {
          id: 'save',
          type: 'set',
          assignments: [{ variable: 'answer', value: 'yes', saveToContact: 'consent' }],
          next: 'bye',
        },
        { id: 'bye', type: 'say', message: { kind: 'text', text: 'Thanks {{contact.consent}}' } },
      ],
    };
    const flow = await h.call('POST', `${ws}/flows`, {
      token: h.admin,
      body: { name: 'Consent', config },
    });
    const publish = () =>
      h.call('POST', `${ws}/flows/${String(flow.body.id)}/publish`, { token: h.admin, body: {} });
    const refused = await publish();
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('UNKNOWN_CONTACT_ATTRIBUTE');
    await h.call('POST', `${ws}/contact-attributes`, {
      token: h.admin,
      body: { key: 'consent', label: 'Consent', type: 'boolean' },
    });
    expect((await publish()).status).toBe(201);
  });
});
