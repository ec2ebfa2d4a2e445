import { describe, expect, it } from 'vitest';
import { flowTemplates } from './templates.ts';
import { validateFlow } from './validate/validate-flow.ts';

describe('flow templates', () => {
  it('each is valid in a workspace with no other flow, named and described for the picker', () => {
    expect(flowTemplates.map((t) => t.id)).toEqual(['lead-capture', 'support-handoff', 'appointment-booking']);
    for (const t of flowTemplates) {
      expect(t.name.length, t.id).toBeGreaterThan(0);
      expect(t.description.length, t.id).toBeGreaterThan(10);
      const v = validateFlow(t.config, { flowIds: [] });
      expect(v.ok ? [] : v.errors, t.id).toEqual([]);
    }
  });
});
