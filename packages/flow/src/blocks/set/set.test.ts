import { describe, expect, it } from 'vitest';
import { advance } from '../../engine/advance.ts';
import { flow, T0, text } from '../../engine/test-harness.ts';

describe('set block', () => {
  it('set assigns templated text, typed values and JSONLogic results', () => {
    const f = flow([
      {
        id: 'a',
        type: 'set',
        assignments: [
          { variable: 'x', value: 'v={{items}}' },
          { variable: 'out', value: '{{items}}' },
          { variable: 'n', expression: { '+': [2, 3] } },
        ],
        next: 'b',
      },
      { id: 'b', type: 'end' },
    ]);
    const r = advance(f, null, text('go'), T0);
    expect(r.effects.find((e) => e.type === 'results')).toMatchObject({
      variables: { x: 'v=a, b, c', out: ['a', 'b', 'c'], n: 5 },
    });
  });
});
