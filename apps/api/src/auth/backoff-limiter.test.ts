import { describe, expect, it } from 'vitest';
import { BackoffLimiter } from './backoff-limiter.ts';

describe('the backoff limiter', () => {
  const options = { free: 3, baseMs: 1_000, maxMs: 8_000, forgetMs: 60_000, maxKeys: 100 };

  it('lets the free failures through, then doubles the wait up to the cap', () => {
    const l = new BackoffLimiter(options);
    const waits: number[] = [];
    let now = 0;
    for (let i = 0; i < 7; i++) {
      l.fail('a', now);
      waits.push(l.retryAfter('a', now));
      now += waits.at(-1)! * 1000;
    }
    expect(waits).toEqual([0, 0, 1, 2, 4, 8, 8]);
    expect(l.retryAfter('b', now)).toBe(0);
  });

  it('forgets a key after a quiet spell, and after a clear', () => {
    const l = new BackoffLimiter(options);
    for (let i = 0; i < 5; i++) l.fail('a', 0);
    expect(l.retryAfter('a', 0)).toBe(4);
    l.fail('a', 70_000 - 60_001);
    expect(l.retryAfter('a', 70_000)).toBe(0);
    l.clear('a');
    expect(l.size).toBe(0);
  });

  it('holds at most maxKeys keys, dropping the least recently failed first', () => {
    const l = new BackoffLimiter(options);
    for (let i = 0; i < 10_000; i++) l.fail(`k${i}`, i);
    expect(l.size).toBe(100);
    l.fail('k9999', 10_000);
    l.fail('k9999', 10_000);
    expect(l.retryAfter('k9999', 10_000)).toBe(1);
    expect(l.retryAfter('k0', 10_000)).toBe(0);
  });
});
