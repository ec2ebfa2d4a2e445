import { describe, expect, it } from 'vitest';
import { medianOf, timeBucket } from './buckets.ts';

describe('time buckets', () => {
  it('puts a time in the first bucket that holds it, 0 ms in its own', () => {
    expect(timeBucket(0)).toBe('0');
    expect(timeBucket(1)).toBe('250');
    expect(timeBucket(10_000)).toBe('10000');
    expect(timeBucket(10_001)).toBe('30000');
    expect(timeBucket(1e12)).toBe('604800000');
  });

  it('reads the median inside the bucket where half the count is reached', () => {
    expect(medianOf(new Map())).toBeNull();
    expect(medianOf(new Map([[0, 5]]))).toBe(0);
    // 2 in (5 s, 10 s], 2 in (10 s, 30 s]: half (2) is reached at the end of the first.
    expect(
      medianOf(
        new Map([
          [10_000, 2],
          [30_000, 2],
        ]),
      ),
    ).toBe(10_000);
    // 1 of 4 in (1 s, 2 s], 3 in (2 s, 5 s]: half is a third of the way into the second.
    expect(
      medianOf(
        new Map([
          [2_000, 1],
          [5_000, 3],
        ]),
      ),
    ).toBe(3_000);
  });
});
