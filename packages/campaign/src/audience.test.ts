import { describe, expect, it } from 'vitest';
import { describeAudience, parseAudience } from './audience.ts';
import { parseSettings } from './settings.ts';
import { parseContent } from './content.ts';

describe('audience', () => {
  it('parses a segment of tag and attribute conditions and says it in words', () => {
    const r = parseAudience({
      kind: 'segment',
      conditions: [
        { type: 'tag', tag: 'vip' },
        { type: 'attribute', key: 'city', op: 'eq', value: 'Madrid' },
      ],
    });
    if (!r.ok) throw new Error(r.problems.join('; '));
    expect(describeAudience(r.value)).toBe('contacts tagged "vip" and city is "Madrid"');
  });

  it('refuses each bad condition, naming where it is', () => {
    const r = parseAudience({
      kind: 'segment',
      conditions: [{ type: 'tag' }, { type: 'attribute', key: 'age', op: 'gt', value: 'old' }, 3],
    });
    expect(r).toEqual({
      ok: false,
      problems: [
        'audience.conditions[0]: name the tag',
        'audience.conditions[1]: "more than" and "less than" compare numbers or dates',
        'audience.conditions[2] must be a condition object',
      ],
    });
  });

  it('keeps a list of contacts once each', () => {
    const id = '6f1c2a4e-1b2c-4d5e-8f90-123456789abc';
    const r = parseAudience({ kind: 'contacts', contactIds: [id, id] });
    expect(r.ok && r.value).toEqual({ kind: 'contacts', contactIds: [id] });
    expect(parseAudience({ kind: 'contacts', contactIds: ['x'] }).ok).toBe(false);
  });
});

describe('content and settings', () => {
  it('takes flow variables from the contact', () => {
    expect(
      parseContent({
        kind: 'flow',
        flowId: 'f',
        variables: { city: 'attributes.city', who: 'name' },
      }),
    ).toEqual({
      ok: true,
      value: { kind: 'flow', flowId: 'f', variables: { city: 'attributes.city', who: 'name' } },
    });
    expect(parseContent({ kind: 'flow', flowId: 'f', variables: { x: 'password' } })).toEqual({
      ok: false,
      problems: ['content.variables.x: take it from name, phone or attributes.<key>'],
    });
  });

  it('defaults the busy policy to wait and checks the pacing', () => {
    const d = parseSettings(undefined);
    expect(d.ok && d.value.busy).toBe('wait');
    expect(parseSettings({ busy: 'later', pacing: { perMinute: -1 } })).toEqual({
      ok: false,
      problems: [
        'settings.pacing: messages per minute must be between 1 and 6000',
        'settings.busy is wait (send after their conversation ends) or skip',
      ],
    });
  });
});
