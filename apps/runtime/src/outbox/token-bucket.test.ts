import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.ts';

describe('TokenBucket', () => {
  it('lets a burst through, then paces at the configured rate', () => {
    const b = new TokenBucket({ ratePerSec: 2, burst: 3 }, 0);
    expect([b.take(0).ok, b.take(0).ok, b.take(0).ok]).toEqual([true, true, true]);
    expect(b.take(0)).toEqual({ ok: false, waitMs: 500 });
    expect(b.take(499).ok).toBe(false);
    expect(b.take(500).ok).toBe(true);
  });

  it('never holds more than the burst after a long idle time', () => {
    const b = new TokenBucket({ ratePerSec: 10, burst: 2 }, 0);
    expect(b.take(60_000).ok).toBe(true);
    expect(b.take(60_000).ok).toBe(true);
    expect(b.take(60_000).ok).toBe(false);
  });

  it('takes what is there of a reservation and takes back what was not used, up to the burst', () => {
    const b = new TokenBucket({ ratePerSec: 1, burst: 3 }, 0);
    expect(b.takeUpTo(5, 0)).toBe(3);
    expect(b.available(0)).toBe(0);
    b.give(2);
    expect(b.available(0)).toBe(2);
    b.give(10);
    expect(b.available(0)).toBe(3);
  });

  it('refuses a rate of zero with a message that says what to change', () => {
    expect(() => new TokenBucket({ ratePerSec: 0, burst: 1 }, 0)).toThrow(
      /ratePerSec must be greater than 0/,
    );
  });
});
