// The 24-hour customer-service window, on a clock the test moves.
import { describe, expect, it } from 'vitest';
import { SERVICE_WINDOW_MS, ServiceWindow } from './service-window.ts';

describe('the customer-service window', () => {
  const HOUR = 60 * 60_000;

  it('is open for 24 hours after the contact last wrote, and closed after', async () => {
    let now = 1_000 * HOUR;
    const lastWrote = new Map([
      ['a@c.us', now - 23 * HOUR],
      ['b@c.us', now - 25 * HOUR],
    ]);
    let reads = 0;
    const window = new ServiceWindow(
      async (waId) => {
        reads += 1;
        return lastWrote.get(waId);
      },
      () => now,
    );
    expect(await window.isOpen('a@c.us')).toBe(true);
    expect(await window.isOpen('b@c.us')).toBe(false);
    expect(await window.isOpen('never@c.us')).toBe(false);
    // Known open: not read again; once the day has passed, read again (they may have written).
    expect(await window.isOpen('a@c.us')).toBe(true);
    expect(reads).toBe(3);
    now += 2 * HOUR;
    expect(await window.isOpen('a@c.us')).toBe(false);
    window.note('b@c.us', now);
    expect(await window.isOpen('b@c.us')).toBe(true);
    expect(SERVICE_WINDOW_MS).toBe(24 * HOUR);
  });
});
