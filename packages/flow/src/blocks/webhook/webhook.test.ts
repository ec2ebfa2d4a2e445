import { describe, expect, it } from 'vitest';
import { advance } from '../../engine/advance.ts';
import { flow, T0, text } from '../../engine/test-harness.ts';

describe('webhook block', () => {
  it('webhook emits its event with templated data, or every variable', () => {
    const f = flow([
      { id: 'w', type: 'webhook', event: 'lead.new', payload: { who: '{{x}}!' }, next: 'w2' },
      { id: 'w2', type: 'webhook', event: 'all.vars', next: 'e' },
      { id: 'e', type: 'end' },
    ]);
    const hooks = advance(f, null, text('go'), T0).effects.filter((e) => e.type === 'webhook');
    expect(hooks).toMatchObject([
      { event: 'lead.new', payload: { who: '!' } },
      { event: 'all.vars', payload: { items: ['a', 'b', 'c'] } },
    ]);
  });
});
