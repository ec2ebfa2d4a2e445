// A contacts import on real Postgres: a CSV with ten kinds of bad rows reports each with its line
// and reason and imports the rest, each row whole; known phones are updated, not doubled; the
// mapping step's `columns` and the header's names both map columns; a pasted `;` file works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { startHarness, type Harness } from '../integrations/test-harness.ts';

describe('contacts import', () => {
  let h: Harness;
  const post = (csv: string, columns?: string, token = h.admin) =>
    h.call(
      'POST',
      `/api/v1/workspaces/${h.ws}/contacts/import${columns === undefined ? '' : `?columns=${encodeURIComponent(columns)}`}`,
      { token, body: csv, headers: { 'content-type': 'text/csv' } },
    );
  const contacts = async () =>
    (
      await h.client.db
        .select()
        .from(schema.contacts)
        .where(eq(schema.contacts.workspaceId, h.ws))
        .orderBy(schema.contacts.phone)
    ).map((c) => [c.phone, c.name, c.tags, c.attributes, c.optedOutAt !== null]);

  beforeAll(async () => {
    h = await startHarness();
    for (const name of ['vip', 'newsletter'])
      await h.call('POST', `/api/v1/workspaces/${h.ws}/contact-tags`, {
        token: h.admin,
        body: { name },
      });
    for (const [key, type] of [
      ['city', 'text'],
      ['age', 'number'],
      ['birthday', 'date'],
      ['member', 'boolean'],
    ])
      await h.call('POST', `/api/v1/workspaces/${h.ws}/contact-attributes`, {
        token: h.admin,
        body: { key, label: key, type },
      });
  });
  afterAll(async () => h?.close());

  it('reports ten kinds of bad rows by line and reason and imports the good rows', async () => {
    const long = 'x'.repeat(201);
    const csv = [
      'Phone,Full name,Labels,City,Age,Birthday,Member,Unsubscribed',
      '+34 600 000 001,Ana,vip,Madrid,31,1994-05-01,yes,no', // 2 good
      ',Nobody,,,,,,', // 3 no phone
      '+34 600 ABC,Letters,,,,,,', // 4 bad phone: letters
      '123,Short,,,,,,', // 5 bad phone: too short, no country code
      '+34600000005,Tagged,gold,,,,,', // 6 unknown tag
      '+34600000006,Aged,,,forty,,,', // 7 not a number
      '+34600000007,Dated,,,,01/05/1994,,', // 8 not a date
      '+34600000008,Impossible,,,,2026-02-30,,', // 9 no such date
      '+34600000009,Maybe,,,,,perhaps,', // 10 not a boolean
      '+34600000010,Extra,,,,,,,one too many', // 11 more cells than the header
      `+34600000011,${long},,,,,,`, // 12 name too long
      '"0034 600 000 012","Bea, Jr.","vip; newsletter","Porto, PT",,,no,yes', // 13 good, quoted
      '', // 14 blank: no record
      '+34600000013,Carl,,,,,,', // 15 good
    ].join('\r\n');
    const res = await post(csv, 'phone,name,tags,city,age,birthday,member,opted_out');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      created: 3,
      updated: 0,
      failed: 10,
      errors: [
        { line: 3, reason: 'no phone: every contact needs one' },
        { line: 4, reason: 'bad phone "+34 600 ABC": only digits, spaces and + ( ) - are allowed' },
        { line: 5, reason: 'bad phone "123": write it with its country code, e.g. +34600123456' },
        {
          line: 6,
          reason: 'unknown tag "gold": declare it on the Contacts page first, or fix the spelling',
        },
        {
          line: 7,
          reason: 'wrong type for age (number): "forty" is not a number (write it like 42 or 3.5)',
        },
        {
          line: 8,
          reason:
            'wrong type for birthday (date): "01/05/1994" is not a date (write it as YYYY-MM-DD, e.g. 2026-12-04)',
        },
        {
          line: 9,
          reason:
            'wrong type for birthday (date): "2026-02-30" is not a date (write it as YYYY-MM-DD, e.g. 2026-12-04)',
        },
        {
          line: 10,
          reason:
            'wrong type for member (boolean): "perhaps" is not yes or no (write true or false)',
        },
        {
          line: 11,
          reason: '9 cells where the header has 8: quote a cell that holds the separator',
        },
        { line: 12, reason: 'name longer than 200 characters' },
      ],
    });
    expect(await contacts()).toEqual([
      [
        '+34600000001',
        'Ana',
        ['vip'],
        { city: 'Madrid', age: 31, birthday: '1994-05-01', member: true },
        false,
      ],
      [
        '+34600000012',
        'Bea, Jr.',
        ['newsletter', 'vip'],
        { city: 'Porto, PT', member: false },
        true,
      ],
      ['+34600000013', 'Carl', [], {}, false],
    ]);
  });

  it('updates known phones (name, tags added, attributes merged) and maps columns by header names', async () => {
    const csv = '\uFEFFphone;name;tags;age\n+34600000001;;newsletter;32\n+34600000099;Dora;;\n';
    const res = await post(csv);
    expect(res.body).toMatchObject({ created: 1, updated: 1, failed: 0, errors: [] });
    const rows = await contacts();
    expect(rows[0]).toEqual([
      '+34600000001',
      'Ana',
      ['newsletter', 'vip'],
      { city: 'Madrid', age: 32, birthday: '1994-05-01', member: true },
      false,
    ]);
    expect(rows.at(-1)).toEqual(['+34600000099', 'Dora', [], {}, false]);
  });

  it('refuses a phone the file already had, saying on which line, and imports the first', async () => {
    const csv = 'phone,name\n+34600000200,First\n+34 600 000 201,Other\n0034600000200,Again\n';
    const res = await post(csv);
    expect(res.body).toMatchObject({
      created: 2,
      failed: 1,
      errors: [{ line: 4, reason: '+34600000200 is already on line 2 of this file' }],
    });
    const rows = (await contacts()).filter((c) => c[0] === '+34600000200');
    expect(rows).toEqual([['+34600000200', 'First', [], {}, false]]);
  });

  it('skips the columns a short mapping leaves out', async () => {
    const res = await post('phone,name,notes\n+34600000077,Eli,likes cats\n', 'phone,name');
    expect(res.body).toMatchObject({ created: 1, failed: 0 });
  });

  it('refuses a mapping without a phone or with an unknown target, before reading rows', async () => {
    expect((await post('a,b\n1,2\n', 'name,')).body).toMatchObject({
      error: { code: 'NO_PHONE_COLUMN' },
    });
    expect((await post('a,b\n1,2\n', 'phone,shoe_size')).body).toMatchObject({
      error: { code: 'UNKNOWN_COLUMN_TARGET' },
    });
    expect((await post('', 'phone')).body).toMatchObject({ error: { code: 'EMPTY_CSV' } });
    const viewer = await h.member('viewer');
    expect((await post('phone\n+34600000050\n', undefined, viewer)).status).toBe(403);
  });
});
