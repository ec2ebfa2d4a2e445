import { describe, expect, it } from 'vitest';
import { localDate, nextDate, zonedToInstant } from './zoned-time.ts';

describe('zonedToInstant', () => {
  it('reads a local time in winter and in summer with the offset of that day', () => {
    expect(new Date(zonedToInstant('2026-01-15', 9 * 60, 'Europe/Madrid')).toISOString()).toBe(
      '2026-01-15T08:00:00.000Z',
    );
    expect(new Date(zonedToInstant('2026-07-15', 9 * 60, 'Europe/Madrid')).toISOString()).toBe(
      '2026-07-15T07:00:00.000Z',
    );
  });

  it('moves a time skipped by the spring-forward change to the end of the gap', () => {
    // 2026-03-29 02:00 → 03:00 in Madrid: 02:30 does not exist.
    expect(new Date(zonedToInstant('2026-03-29', 150, 'Europe/Madrid')).toISOString()).toBe(
      '2026-03-29T01:00:00.000Z',
    );
  });

  it('takes the first of a time repeated by the fall-back change', () => {
    // 2026-11-01 02:00 → 01:00 in New York: 01:30 happens twice.
    expect(new Date(zonedToInstant('2026-11-01', 90, 'America/New_York')).toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });

  it('works east of UTC across a date line', () => {
    expect(new Date(zonedToInstant('2026-05-01', 0, 'Pacific/Auckland')).toISOString()).toBe(
      '2026-04-30T12:00:00.000Z',
    );
    expect(localDate(Date.parse('2026-04-30T12:00:00Z'), 'Pacific/Auckland')).toBe('2026-05-01');
  });

  it('counts calendar days past month ends', () => {
    expect(nextDate('2026-02-28')).toBe('2026-03-01');
    expect(nextDate('2026-12-31')).toBe('2027-01-01');
  });
});
