import { describe, expect, it } from 'vitest';
import { advance } from '../../engine/advance.ts';
import { flow, T0, text, texts } from '../../engine/test-harness.ts';

describe('condition block', () => {
  it('condition takes the first branch that holds, else the else path', () => {
    const f = flow([
      { id: 'set', type: 'set', assignments: [{ variable: 'n', value: 7 }], next: 'c' },
      {
        id: 'c',
        type: 'condition',
        branches: [
          { when: { '>': [{ var: 'n' }, 10] }, next: 'big' },
          { when: { '>': [{ var: 'n' }, 5] }, next: 'mid' },
        ],
        else: 'small',
      },
      { id: 'big', type: 'end', message: 'big' },
      { id: 'mid', type: 'end', message: 'mid' },
      { id: 'small', type: 'end', message: 'small' },
    ]);
    expect(texts(advance(f, null, text('go'), T0).effects)).toEqual(['mid']);
  });
});
