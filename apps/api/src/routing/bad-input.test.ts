// Inputs that used to reach Postgres and come back as HTTP 500: each is refused at the edge with
// a 400 whose message says what to change (issue 24 item 7).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../routes/integrations/test-harness.ts';

const cursor = (at: string, id: string) =>
  Buffer.from(JSON.stringify([at, id])).toString('base64url');
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const UUID = '00000000-0000-4000-8000-000000000000';

interface Case {
  name: string;
  method: string;
  /** `:ws`, `:flow` are filled in; `key: true` calls with the integrator's API key. */
  path: string;
  body?: unknown;
  key?: boolean;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: 'a NUL character in a text field',
    method: 'POST',
    path: '/api/v1/workspaces/:ws/flows',
    body: { name: 'Leads\u0000' },
    message: /name.*NUL/,
  },
  {
    name: 'a lone surrogate in a text field',
    method: 'POST',
    path: '/api/v1/workspaces/:ws/flows',
    body: '{"name":"Leads \\ud83d"}',
    message: /name.*surrogate/,
  },
  {
    name: 'a NUL character inside a JSON config',
    method: 'POST',
    path: '/api/v1/workspaces/:ws/flows',
    body: {
      name: 'x',
      config: {
        schemaVersion: 1,
        triggers: [],
        variables: [],
        start: 's',
        nodes: [{ id: 's', type: 'say', message: { kind: 'text', text: 'a\u0000b' } }],
      },
    },
    message: /config\.nodes\.0\.message\.text.*NUL/,
  },
  {
    name: 'a lone surrogate inside integrator variables',
    method: 'POST',
    path: '/api/v1/integrations/flows/:flow/start',
    key: true,
    body: `{"numberId":":number","contact":{"phone":"+34600123456"},"variables":{"note":"\\udc00"}}`,
    message: /variables\.note.*surrogate/,
  },
  {
    name: 'a NUL character in a JSON key',
    method: 'POST',
    path: '/api/v1/integrations/flows/:flow/start',
    key: true,
    body: { numberId: ':number', contact: { phone: '+34600123456' }, variables: { 'a\u0000': 1 } },
    message: /NUL/,
  },
  {
    name: 'JSON nested 10,000 deep',
    method: 'POST',
    path: '/api/v1/integrations/flows/:flow/start',
    key: true,
    body: `{"numberId":":number","contact":{"phone":"+34600123456"},"variables":{"x":${deep(10_000)}}}`,
    message: /nested more than \d+ levels/,
  },
  {
    name: 'a NUL character in a query string',
    method: 'GET',
    path: '/api/v1/workspaces/:ws/conversations?q=a%00b',
    message: /q.*NUL/,
  },
  {
    name: 'a cursor with a non-UUID id',
    method: 'GET',
    path: `/api/v1/workspaces/:ws/flows?cursor=${cursor('2026-01-01T00:00:00.000Z', 'not-a-uuid')}`,
    message: /cursor/,
  },
  {
    name: 'a cursor with an out-of-range date',
    method: 'GET',
    path: `/api/v1/workspaces/:ws/results?cursor=${cursor('+275760-09-13T00:00:00.000Z', UUID)}`,
    message: /cursor/,
  },
  {
    name: 'a version number over 2^31',
    method: 'GET',
    path: '/api/v1/workspaces/:ws/flows/:flow/versions/3000000000',
    message: /version.*2147483647/,
  },
  {
    name: 'a diff to a version over 2^31',
    method: 'GET',
    path: '/api/v1/workspaces/:ws/flows/:flow/diff?from=1&to=3000000000',
    message: /to.*2147483647/,
  },
  {
    name: 'a rollback to a version over 2^31',
    method: 'POST',
    path: '/api/v1/workspaces/:ws/flows/:flow/rollback',
    body: { version: 3_000_000_000 },
    message: /version.*2147483647/,
  },
  {
    name: 'a date like +275760-09-13 in a results filter',
    method: 'GET',
    path: '/api/v1/workspaces/:ws/results?from=%2B275760-09-13',
    message: /from.*year/,
  },
  {
    name: 'a date like +275760-09-13 in the CSV export',
    method: 'GET',
    path: '/api/v1/workspaces/:ws/results.csv?to=%2B275760-09-13',
    message: /to.*year/,
  },
  {
    name: 'a date like +275760-09-13 in the audit filter',
    method: 'GET',
    path: '/api/v1/workspaces/:ws/audit?from=%2B275760-09-13',
    message: /from.*year/,
  },
  {
    name: 'a date like +275760-09-13 in integrator results',
    method: 'GET',
    path: '/api/v1/integrations/results?since=%2B275760-09-13',
    key: true,
    message: /since.*year/,
  },
  {
    name: 'a double-decoded path when erasing a contact',
    method: 'DELETE',
    path: '/api/v1/integrations/contacts/%25',
    key: true,
    message: /phone/,
  },
  {
    name: 'an unknown workspace time zone',
    method: 'PATCH',
    path: '/api/v1/workspaces/:ws',
    body: { settings: { timezone: 'Mars/Olympus_Mons' } },
    message: /timezone.*Europe\/Madrid/,
  },
];

describe('bad input is a 400 that says what to change', () => {
  let h: Harness;
  let apiKey = '';
  beforeAll(async () => {
    h = await startHarness();
    const created = await h.call('POST', `/api/v1/workspaces/${h.ws}/api-keys`, {
      token: h.admin,
      body: { name: 'bad input' },
    });
    apiKey = String(created.body.key);
  });
  afterAll(async () => {
    await h.close();
  });

  for (const t of cases) {
    it(`refuses ${t.name}`, async () => {
      const res = await h.app.request(t.path.replace(':ws', h.ws).replace(':flow', h.flowId), {
        method: t.method,
        headers: {
          authorization: `Bearer ${t.key ? apiKey : h.admin}`,
          ...(t.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(t.body === undefined
          ? {}
          : {
              body: (typeof t.body === 'string' ? t.body : JSON.stringify(t.body)).replace(
                ':number',
                h.numberId,
              ),
            }),
      });
      const body = (await res.json()) as { error?: { code: string; message: string } };
      expect({ status: res.status, code: body.error?.code }, body.error?.message).toMatchObject({
        status: 400,
      });
      expect(body.error?.message).toMatch(t.message);
    });
  }

  it('still accepts a stored time zone that exists, and text with emoji', async () => {
    expect(
      (
        await h.call('PATCH', `/api/v1/workspaces/${h.ws}`, {
          token: h.admin,
          body: { settings: { timezone: 'Europe/Madrid' } },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await h.call('POST', `/api/v1/workspaces/${h.ws}/flows`, {
          token: h.admin,
          body: { name: 'Leads 🚀 ñ' },
        })
      ).status,
    ).toBe(201);
  });
});
