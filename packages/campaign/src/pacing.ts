// When a number may send its campaign's next message: a rate per minute with random jitter, a
// daily cap, and a send window in the workspace's time zone. The random comes from the caller
// (tests pass a fixed one), the clock too.
import { localDate, localMinutes, minutesOf, nextDate, zonedToInstant } from './zoned-time.ts';

export interface SendWindow {
  /** "HH:MM" local, inclusive */
  start: string;
  /** "HH:MM" local, exclusive; before `start` means the window runs past midnight */
  end: string;
}

export interface Pacing {
  /** Messages per minute on one number. */
  perMinute: number;
  /** 0–1: each gap is the base gap × a random factor in [1 − jitter, 1 + jitter]. */
  jitter: number;
  /** Most messages one number sends for this campaign per local day; null for no cap. */
  dailyCap: number | null;
  /** Local hours in which sending is allowed; null for any time. */
  window: SendWindow | null;
}

export type ChannelKind = 'whatsapp' | 'cloud_api' | 'twilio' | 'sandbox';

/**
 * Defaults by channel. WhatsApp Web numbers are personal accounts: WhatsApp bans those that
 * message many people who never wrote to them, so their defaults are slow on purpose.
 */
export function defaultPacing(kind: ChannelKind): Pacing {
  switch (kind) {
    case 'whatsapp':
      return { perMinute: 4, jitter: 0.5, dailyCap: 200, window: { start: '09:00', end: '20:00' } };
    case 'cloud_api':
    case 'twilio':
      return {
        perMinute: 60,
        jitter: 0.2,
        dailyCap: 1000,
        window: { start: '09:00', end: '20:00' },
      };
    case 'sandbox':
      return { perMinute: 600, jitter: 0, dailyCap: null, window: null };
  }
}

/** What is wrong with a pacing, in words that say what to change; empty when it is fine. */
export function pacingProblems(p: Pacing): string[] {
  const out: string[] = [];
  if (!(p.perMinute > 0 && p.perMinute <= 6000))
    out.push('messages per minute must be between 1 and 6000');
  if (!(p.jitter >= 0 && p.jitter < 1)) out.push('jitter must be between 0 and 0.99');
  if (p.dailyCap !== null && !(Number.isInteger(p.dailyCap) && p.dailyCap > 0))
    out.push('the daily cap must be a whole number above 0, or empty for none');
  if (p.window) {
    const s = minutesOf(p.window.start);
    const e = minutesOf(p.window.end);
    if (s === undefined || e === undefined)
      out.push('the send window is two times of day like 09:00 and 20:00');
    else if (s === e) out.push('the send window must not start and end at the same time');
  }
  return out;
}

/** The gap after one send: 60 s / rate, times a factor in [1 − jitter, 1 + jitter). */
export function gapMs(p: Pacing, random: () => number): number {
  const base = 60_000 / p.perMinute;
  return Math.max(1, Math.round(base * (1 - p.jitter + 2 * p.jitter * random())));
}

function inWindow(minutes: number, w: SendWindow): boolean {
  const s = minutesOf(w.start) ?? 0;
  const e = minutesOf(w.end) ?? 24 * 60;
  return s < e ? minutes >= s && minutes < e : minutes >= s || minutes < e;
}

/** `atMs` if it is inside the window, else the next instant the window opens. */
export function windowOpenAt(atMs: number, window: SendWindow | null, timeZone: string): number {
  if (!window || inWindow(localMinutes(atMs, timeZone), window)) return atMs;
  const start = minutesOf(window.start) ?? 0;
  const today = localDate(atMs, timeZone);
  const opensToday = zonedToInstant(today, start, timeZone);
  return opensToday > atMs ? opensToday : zonedToInstant(nextDate(today), start, timeZone);
}

export interface NumberPace {
  /** Local date of `sentToday`. */
  day: string | null;
  sentToday: number;
}

/**
 * When the number may send next after sending at `sentAtMs`: the jittered gap, then the window,
 * then the daily cap (a number that reached it waits for the next local day's window).
 */
export function nextSendAt(
  sentAtMs: number,
  pace: NumberPace,
  p: Pacing,
  timeZone: string,
  random: () => number,
): number {
  const at = windowOpenAt(sentAtMs + gapMs(p, random), p.window, timeZone);
  return capWait(at, pace, p, timeZone);
}

/** `atMs`, or the next local day's first allowed instant when the number reached its cap today. */
export function capWait(atMs: number, pace: NumberPace, p: Pacing, timeZone: string): number {
  if (p.dailyCap === null || pace.day !== localDate(atMs, timeZone) || pace.sentToday < p.dailyCap)
    return atMs;
  const midnight = zonedToInstant(nextDate(localDate(atMs, timeZone)), 0, timeZone);
  return windowOpenAt(midnight, p.window, timeZone);
}

/** The pace after one send at `sentAtMs` (the count restarts on a new local day). */
export function countSend(pace: NumberPace, sentAtMs: number, timeZone: string): NumberPace {
  const day = localDate(sentAtMs, timeZone);
  return { day, sentToday: pace.day === day ? pace.sentToday + 1 : 1 };
}
