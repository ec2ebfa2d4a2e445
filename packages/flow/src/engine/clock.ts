// `now`, the built-in variable with the time of the message being handled, in the flow's time
// zone (settings.timezone, default UTC): rules like "now.hour is less than 9" or "now.weekday is
// more than 5" (weekend), and text like "It is {{now.time}} here". Pure: computed from the
// advance()'s clock, never from the machine's.

export interface Clock {
  /** 0–23 */
  hour: number;
  minute: number;
  /** 1 = Monday … 7 = Sunday (ISO). */
  weekday: number;
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM, 24 h */
  time: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether the runtime knows this IANA time zone name (e.g. Europe/Madrid). */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

export function clockAt(nowMs: number, timeZone = 'UTC'): Clock {
  const parts: Record<string, string> = {};
  // An unknown zone (the validator refuses one) reads as UTC rather than failing the turn.
  const f = isTimeZone(timeZone)
    ? (formatters.get(timeZone) as Intl.DateTimeFormat)
    : formatter('UTC');
  for (const p of f.formatToParts(nowMs)) parts[p.type] = p.value;
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  return {
    hour,
    minute,
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 1,
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
  };
}
