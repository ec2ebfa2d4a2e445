import { describe, expect, it } from 'vitest';
import { flowTemplates } from './templates.ts';
import { validateFlow } from './validate/validate-flow.ts';
import { advance } from './engine/advance.ts';
import type { FlowConfig } from './schema/types.ts';

describe('flow templates', () => {
  it('each is valid in a workspace with no other flow, named and described for the picker', () => {
    expect(flowTemplates.map((t) => t.id)).toEqual([
      'lead-capture',
      'support-handoff',
      'appointment-booking',
      'office-hours',
    ]);
    for (const t of flowTemplates) {
      expect(t.name.length, t.id).toBeGreaterThan(0);
      expect(t.description.length, t.id).toBeGreaterThan(10);
      const v = validateFlow(t.config, { flowIds: [] });
      expect(v.ok ? [] : v.errors, t.id).toEqual([]);
    }
  });

  it("office hours: a person in hours, when you open outside them (the flow's time zone)", () => {
    const t = flowTemplates.find((x) => x.id === 'office-hours');
    const config = {
      ...(t?.config ?? {}),
      settings: { ...((t?.config.settings as object) ?? {}), timezone: 'Europe/Madrid' },
    } as unknown as FlowConfig;
    const hi = (at: string) =>
      advance(
        config,
        null,
        { type: 'message', message: { kind: 'text', text: 'hello' } },
        Date.parse(at),
      );
    const texts = (r: ReturnType<typeof hi>) =>
      r.effects.flatMap((e) =>
        e.type === 'send' && e.message.kind === 'text' ? [e.message.text] : [],
      );
    // Wednesday 10:15 in Madrid.
    const open = hi('2026-12-02T09:15:00Z');
    expect(texts(open)).toEqual(['Hi! How can we help you today?']);
    const answered = advance(
      config,
      open.state,
      { type: 'message', message: { kind: 'text', text: 'My order is late' } },
      Date.parse('2026-12-02T09:16:00Z'),
    );
    expect(answered.effects.find((e) => e.type === 'handoff')).toMatchObject({
      reason: 'My order is late',
    });
    // Wednesday 19:30 in Madrid, and a Sunday morning.
    expect(texts(hi('2026-12-02T18:30:00Z'))[0]).toMatch(
      /^Hi! We're closed right now \(it's 19:30 here\)/,
    );
    expect(texts(hi('2026-12-06T10:00:00Z'))[0]).toMatch(/closed right now \(it's 11:00 here\)/);
  });
});
