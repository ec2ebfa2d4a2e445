import { describe, expect, it } from 'vitest';
import { advance } from '../../engine/advance.ts';
import { flow, T0, text } from '../../engine/test-harness.ts';

describe('end block', () => {
  it('end says its last message and emits completed results and an end effect', () => {
    const r = advance(flow([{ id: 'e', type: 'end', message: 'bye' }]), null, text('go'), T0);
    expect(r.effects.map((e) => e.type)).toEqual(['send', 'results', 'end']);
  });
});
