import { describe, expect, it } from 'vitest';
import { decide, DISABLE_AFTER_MS, RETRY_SCHEDULE_MS, retryAfterMs } from './delivery-policy.ts';

describe('webhook delivery policy', () => {
  const mid = () => 0.5; // no jitter

  it('follows the schedule 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h on a fake clock, then gives up', () => {
    let now = 1_000_000;
    const times: number[] = [now];
    for (let attempt = 1; ; attempt++) {
      const d = decide({ kind: 'response', status: 500 }, attempt, now, times[0], mid);
      if (d.kind !== 'retry') {
        expect(d).toEqual({ kind: 'failed', reason: 'gave up after 8 attempts' });
        break;
      }
      now = d.at;
      times.push(now);
    }
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps).toEqual(RETRY_SCHEDULE_MS.slice(1));
  });

  it('keeps jitter within 10% of the scheduled delay', () => {
    const lo = decide({ kind: 'response', status: 500 }, 2, 0, 0, () => 0);
    const hi = decide({ kind: 'response', status: 500 }, 2, 0, 0, () => 1);
    expect(lo).toEqual({ kind: 'retry', at: 270_000 });
    expect(hi).toEqual({ kind: 'retry', at: 330_000 });
  });

  it('treats a redirect as a failure', () => {
    expect(decide({ kind: 'response', status: 302 }, 1, 0, undefined, mid)).toEqual({
      kind: 'retry',
      at: 5_000,
    });
  });

  it('respects Retry-After on 429 and 503', () => {
    expect(
      decide({ kind: 'response', status: 429, retryAfter: '120' }, 1, 0, undefined, mid),
    ).toEqual({
      kind: 'retry',
      at: 120_000,
    });
    expect(retryAfterMs(new Date(60_000).toUTCString(), 0)).toBe(60_000);
  });

  it('disables the endpoint on 410 Gone', () => {
    expect(decide({ kind: 'response', status: 410 }, 1, 0, undefined, mid).kind).toBe(
      'disable-endpoint',
    );
  });

  it('disables an endpoint that has failed for 5 days in a row', () => {
    const d = decide({ kind: 'error', message: 'ECONNREFUSED' }, 3, DISABLE_AFTER_MS, 0, mid);
    expect(d).toEqual({
      kind: 'disable-endpoint',
      reason: 'the endpoint has failed for 5 days in a row',
    });
  });

  it('counts any 2xx as delivered', () => {
    expect(decide({ kind: 'response', status: 204 }, 1, 0, undefined, mid)).toEqual({
      kind: 'delivered',
    });
  });

  it('fails an attempt the address policy refused at once, whatever the attempt', () => {
    const refused = { kind: 'refused', reason: 'x resolves to 10.0.0.1', allowWith: 'V' } as const;
    expect(decide(refused, 1, 0, undefined, mid)).toMatchObject({ kind: 'failed' });
  });
});
