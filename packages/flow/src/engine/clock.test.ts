// `now` in rules and text: the message's time in the flow's time zone, from advance()'s clock.
import { describe, expect, it } from 'vitest';
import type { FlowConfig } from '../schema/types.ts';
import { validateFlow } from '../validate/validate-flow.ts';
import { advance } from './advance.ts';
import { clockAt, isTimeZone } from './clock.ts';

// Opening hours: Monday–Friday 9:00–18:00 in Madrid.
const hours = (timezone?: string): FlowConfig =>
  ({
    schemaVersion: 1,
    triggers: [{ type: 'any' }],
    variables: [],
    ...(timezone ? { settings: { timezone } } : {}),
    start: 'open',
    nodes: [
      {
        id: 'open',
        type: 'condition',
        branches: [
          { label: 'Weekend', when: { '>': [{ var: 'now.weekday' }, 5] }, next: 'closed' },
          { label: 'Before 9', when: { '<': [{ var: 'now.hour' }, 9] }, next: 'closed' },
          { label: 'After 18', when: { '>=': [{ var: 'now.time' }, '18:00'] }, next: 'closed' },
        ],
        else: 'welcome',
      },
      {
        id: 'welcome',
        type: 'end',
        message: 'Hello! It is {{now.time}} on {{now.date}}: we are open.',
      },
      {
        id: 'closed',
        type: 'end',
        message: 'We are closed now ({{now.time}}): we open Monday to Friday at 9.',
      },
    ],
  }) as FlowConfig;
const reply = (f: FlowConfig, at: string) => {
  const r = advance(
    f,
    null,
    { type: 'message', message: { kind: 'text', text: 'hi' } },
    Date.parse(at),
  );
  return r.effects.flatMap((e) =>
    e.type === 'send' && e.message.kind === 'text' ? [e.message.text] : [],
  );
};

describe('now', () => {
  it('is the time in the flow’s time zone, for rules and text', () => {
    const f = hours('Europe/Madrid');
    expect(validateFlow(f)).toMatchObject({ ok: true });
    // Tuesday 2026-12-01 08:30 UTC is 09:30 in Madrid (UTC+1 in winter).
    expect(reply(f, '2026-12-01T08:30:00Z')).toEqual([
      'Hello! It is 09:30 on 2026-12-01: we are open.',
    ]);
    expect(reply(f, '2026-12-01T07:30:00Z')).toEqual([
      'We are closed now (08:30): we open Monday to Friday at 9.',
    ]);
    expect(reply(f, '2026-12-01T17:05:00Z')).toEqual([
      'We are closed now (18:05): we open Monday to Friday at 9.',
    ]);
    // Saturday.
    expect(reply(f, '2026-12-05T10:00:00Z')).toEqual([
      'We are closed now (11:00): we open Monday to Friday at 9.',
    ]);
    // Without a time zone, UTC: 08:30 is before nine.
    expect(reply(hours(), '2026-12-01T08:30:00Z')[0]).toMatch(/^We are closed now \(08:30\)/);
  });

  it("is read in a rule written in JSONLogic's long form too", () => {
    const f = hours('Europe/Madrid');
    // Only the rule reads now (the texts do not).
    const long = {
      ...f,
      nodes: [
        {
          id: 'open',
          type: 'condition',
          branches: [{ when: { '<': [{ var: ['now.hour'] }, 12] }, next: 'closed' }],
          else: 'welcome',
        },
        { id: 'welcome', type: 'end', message: 'Open.' },
        { id: 'closed', type: 'end', message: 'Closed.' },
      ],
    } as FlowConfig;
    expect(reply(long, '2026-12-01T08:30:00Z')).toEqual(['Closed.']);
    expect(reply(long, '2026-12-01T12:30:00Z')).toEqual(['Open.']);
  });

  it("is read by a webhook block's fields too, while its all-variables payload stays the variables", () => {
    const f = {
      schemaVersion: 1,
      triggers: [{ type: 'any' }],
      variables: [{ name: 'x', type: 'string', default: 'y' }],
      settings: { timezone: 'Europe/Madrid' },
      start: 'a',
      nodes: [
        {
          id: 'a',
          type: 'webhook',
          event: 'visit',
          payload: { at: '{{now.date}} {{now.time}}' },
          next: 'b',
        },
        { id: 'b', type: 'webhook', event: 'all', next: 'c' },
        { id: 'c', type: 'end' },
      ],
    } as FlowConfig;
    const r = advance(
      f,
      null,
      { type: 'message', message: { kind: 'text', text: 'hi' } },
      Date.parse('2026-12-01T08:30:00Z'),
    );
    const hooks = r.effects.flatMap((e) => (e.type === 'webhook' ? [e.payload] : []));
    expect(hooks).toEqual([{ at: '2026-12-01 09:30' }, { x: 'y', last_message: 'hi' }]);
  });

  it('follows daylight saving time and the date line', () => {
    expect(clockAt(Date.parse('2026-07-01T08:30:00Z'), 'Europe/Madrid')).toMatchObject({
      hour: 10,
      time: '10:30',
      weekday: 3,
    });
    expect(clockAt(Date.parse('2026-12-31T23:30:00Z'), 'Pacific/Auckland')).toEqual({
      hour: 12,
      minute: 30,
      weekday: 5,
      date: '2027-01-01',
      time: '12:30',
    });
    expect(clockAt(Date.parse('2026-12-06T00:00:00Z'))).toMatchObject({
      weekday: 7,
      date: '2026-12-06',
      time: '00:00',
    });
  });

  it('is never stored in the conversation, and is not a name a flow can declare', () => {
    const r = advance(
      hours('Europe/Madrid'),
      null,
      { type: 'message', message: { kind: 'text', text: 'hi' } },
      Date.parse('2026-12-01T08:30:00Z'),
    );
    expect(JSON.stringify(r.state)).not.toContain('"now"');
    const declared = validateFlow({ ...hours(), variables: [{ name: 'now', type: 'string' }] });
    expect(declared.ok ? [] : declared.errors.map((e) => e.message)).toEqual([
      '"now" is a built-in variable: pick another name.',
    ]);
  });

  it('says what to write instead of a time zone it does not know', () => {
    expect(isTimeZone('Europe/Madrid')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    const v = validateFlow(hours('Mars/Olympus'));
    expect(v.ok ? [] : v.errors).toEqual([
      {
        code: 'INVALID_TIMEZONE',
        field: 'settings.timezone',
        message:
          '"Mars/Olympus" is not a time zone: write one like Europe/Madrid or America/Mexico_City.',
      },
    ]);
  });
});
