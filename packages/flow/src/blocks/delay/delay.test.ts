import { describe, expect, it } from 'vitest';
import { flow, play, T0, text, texts, timerOf } from '../../engine/test-harness.ts';

describe('delay block', () => {
  it('delay sets a timer and goes on when it fires', () => {
    const f = flow([
      { id: 'd', type: 'delay', seconds: 30, next: 's' },
      { id: 's', type: 'end', message: 'after the wait' },
    ]);
    const { all } = play(f, [text('go'), timerOf('delay')]);
    expect(all[0]?.find((e) => e.type === 'set_timer')).toMatchObject({
      purpose: 'delay',
      dueAt: T0 + 1000 + 30_000,
    });
    expect(texts(all[1] ?? [])).toEqual(['after the wait']);
  });
});
