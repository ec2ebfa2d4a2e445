import { describe, expect, it } from 'vitest';
import { advance } from '../../engine/advance.ts';
import { flow, T0, text, texts } from '../../engine/test-harness.ts';

describe('split block', () => {
  it('random split is deterministic for a given state and follows the weights', () => {
    const f = flow([
      {
        id: 'ab',
        type: 'split',
        saveAs: 'path',
        branches: [
          { label: 'A', weight: 1, next: 'a' },
          { label: 'B', weight: 3, next: 'b' },
        ],
      },
      { id: 'a', type: 'end', message: 'A' },
      { id: 'b', type: 'end', message: 'B' },
    ]);
    const once = advance(f, null, text('same'), T0);
    const twice = advance(f, null, text('same'), T0);
    expect(twice).toEqual(once);
    const counts = { A: 0, B: 0 };
    for (let i = 0; i < 2000; i++) {
      const [out] = texts(advance(f, null, text(`contact ${i}`), T0).effects);
      counts[out === 'A' ? 'A' : 'B'] += 1;
    }
    expect(counts.B / 2000).toBeGreaterThan(0.65);
    expect(counts.B / 2000).toBeLessThan(0.85);
  });
});
