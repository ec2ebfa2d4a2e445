// Local wall-clock times in an IANA time zone ↔ instants, DST included, from the flow package's
// clock (Intl), so a campaign's schedule and send window read as the workspace means them.
import { clockAt } from '@waflow/flow';

/** "HH:MM" → minutes since midnight; undefined when it is not a time of day. */
export function minutesOf(hhmm: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

function wallMs(nowMs: number, timeZone: string): number {
  const c = clockAt(nowMs, timeZone);
  const [y, mo, d] = c.date.split('-').map(Number);
  return Date.UTC(y ?? 1970, (mo ?? 1) - 1, d ?? 1, c.hour, c.minute) + (nowMs % 60_000);
}

/**
 * The instant at which the clocks of `timeZone` show `date` (YYYY-MM-DD) at `minutes` past
 * midnight. A time skipped by a spring-forward change reads as the first minute after the gap;
 * a time repeated by a fall-back change reads as its first occurrence.
 */
export function zonedToInstant(date: string, minutes: number, timeZone: string): number {
  const [y, mo, d] = date.split('-').map(Number);
  const wanted = Date.UTC(y ?? 1970, (mo ?? 1) - 1, d ?? 1, 0, minutes);
  // Two rounds of "guess, see what the clock shows, correct by the offset" settle on either side
  // of a change; the earlier candidate that shows the wanted time (or later, in a gap) wins.
  let guess = wanted - (wallMs(wanted, timeZone) - wanted);
  guess = wanted - (wallMs(guess, timeZone) - guess);
  const candidates = [guess - 3_600_000, guess, guess + 3_600_000].filter(
    (t) => wallMs(t, timeZone) === wanted,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  // In a spring-forward gap: the clock jumps over `wanted`; take the instant the gap ends.
  let t = guess;
  while (wallMs(t, timeZone) < wanted) t += 60_000;
  while (wallMs(t - 60_000, timeZone) >= wanted) t -= 60_000;
  return t;
}

/** The local date (YYYY-MM-DD) in `timeZone` at `nowMs`: the key of a daily cap. */
export function localDate(nowMs: number, timeZone: string): string {
  return clockAt(nowMs, timeZone).date;
}

/** Minutes since local midnight in `timeZone` at `nowMs`. */
export function localMinutes(nowMs: number, timeZone: string): number {
  const c = clockAt(nowMs, timeZone);
  return c.hour * 60 + c.minute;
}

/** The local date after `date` (calendar arithmetic, no time zone involved). */
export function nextDate(date: string): string {
  const [y, mo, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (mo ?? 1) - 1, (d ?? 1) + 1)).toISOString().slice(0, 10);
}
