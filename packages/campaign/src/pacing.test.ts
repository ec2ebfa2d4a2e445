import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  capWait,
  countSend,
  defaultPacing,
  gapMs,
  nextSendAt,
  pacingProblems,
  windowOpenAt,
  type Pacing,
} from './pacing.ts';

const TZ = 'Europe/Madrid';
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('pacing', () => {
  const p: Pacing = {
    perMinute: 6,
    jitter: 0.5,
    dailyCap: 3,
    window: { start: '09:00', end: '20:00' },
  };

  it('spaces sends by 60 s / rate, jittered within ±jitter by the injected random', () => {
    expect(gapMs(p, () => 0)).toBe(5_000);
    expect(gapMs(p, () => 0.5)).toBe(10_000);
    expect(gapMs(p, () => 0.999999)).toBe(15_000);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.9999, noNaN: true }), (r) => {
        const g = gapMs(p, () => r);
        return g >= 5_000 && g <= 15_000;
      }),
    );
  });

  it('waits for the window to open, in the workspace time zone', () => {
    // 07:30 local (CET, UTC+1) → 09:00 local the same day.
    expect(iso(windowOpenAt(at('2026-01-15T06:30:00Z'), p.window, TZ))).toBe(
      '2026-01-15T08:00:00.000Z',
    );
    // 20:00 local is closed → the next day at 09:00.
    expect(iso(windowOpenAt(at('2026-01-15T19:00:00Z'), p.window, TZ))).toBe(
      '2026-01-16T08:00:00.000Z',
    );
    // Inside: now.
    expect(iso(windowOpenAt(at('2026-01-15T12:00:00Z'), p.window, TZ))).toBe(
      '2026-01-15T12:00:00.000Z',
    );
  });

  it('opens the window at 09:00 local on both sides of a DST change', () => {
    // Madrid moves to CEST on 2026-03-29: 09:00 is 08:00Z before, 07:00Z after.
    expect(iso(windowOpenAt(at('2026-03-28T19:30:00Z'), p.window, TZ))).toBe(
      '2026-03-29T07:00:00.000Z',
    );
    expect(iso(windowOpenAt(at('2026-03-27T19:30:00Z'), p.window, TZ))).toBe(
      '2026-03-28T08:00:00.000Z',
    );
  });

  it('handles a window that runs past midnight', () => {
    const night = { start: '22:00', end: '02:00' };
    expect(iso(windowOpenAt(at('2026-01-15T00:30:00Z'), night, 'UTC'))).toBe(
      '2026-01-15T00:30:00.000Z',
    );
    expect(iso(windowOpenAt(at('2026-01-15T03:00:00Z'), night, 'UTC'))).toBe(
      '2026-01-15T22:00:00.000Z',
    );
  });

  it('stops a number at its daily cap until the next local day’s window', () => {
    let pace = { day: null as string | null, sentToday: 0 };
    let t = at('2026-01-15T12:00:00Z');
    for (let i = 0; i < 3; i++) {
      pace = countSend(pace, t, TZ);
      t = nextSendAt(t, pace, p, TZ, () => 0.5);
    }
    expect(pace.sentToday).toBe(3);
    expect(iso(t)).toBe('2026-01-16T08:00:00.000Z');
    // Under the cap nothing waits.
    expect(capWait(at('2026-01-15T12:00:00Z'), { day: '2026-01-15', sentToday: 2 }, p, TZ)).toBe(
      at('2026-01-15T12:00:00Z'),
    );
    // A new local day restarts the count.
    expect(countSend({ day: '2026-01-15', sentToday: 3 }, at('2026-01-16T08:00:00Z'), TZ)).toEqual({
      day: '2026-01-16',
      sentToday: 1,
    });
  });

  it('never schedules a send outside the window, whatever the random', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2026-12-31T00:00:00Z') }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (start, r) => {
          const next = nextSendAt(start, { day: null, sentToday: 0 }, p, TZ, () => r);
          const hour = Number(
            new Intl.DateTimeFormat('en-GB', {
              timeZone: TZ,
              hour: '2-digit',
              hourCycle: 'h23',
            }).format(next),
          );
          return next >= start + 5_000 && hour >= 9 && hour < 20;
        },
      ),
    );
  });

  it('gives WhatsApp Web numbers slow defaults and refuses nonsense in words', () => {
    const web = defaultPacing('whatsapp');
    expect(web.perMinute).toBeLessThanOrEqual(6);
    expect(web.dailyCap).not.toBeNull();
    expect(pacingProblems(web)).toEqual([]);
    expect(
      pacingProblems({
        perMinute: 0,
        jitter: 1,
        dailyCap: 0,
        window: { start: '9', end: '20:00' },
      }),
    ).toEqual([
      'messages per minute must be between 1 and 6000',
      'jitter must be between 0 and 0.99',
      'the daily cap must be a whole number above 0, or empty for none',
      'the send window is two times of day like 09:00 and 20:00',
    ]);
  });
});
