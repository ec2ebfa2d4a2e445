// The Overview page's figures: per day in the workspace's time zone, for a range and optionally
// one flow or number — messages in and out, conversations started and completed, completion
// rate, handoffs, median bot reply time, failed sends — from the hourly counts, read from their
// rollup per UTC day (analytics_days: 24 times fewer rows than analytics_hours); plus the numbers' health and the failing webhook endpoints now. The
// simulator's numbers are left out (not production traffic, see isSimulatorNumber).
import { sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { executeRows, uuidArrayText } from '../sql-rows.ts';
import * as schema from '../schema/index.ts';
import { isSimulatorNumber } from '../repos/webhook-events.ts';
import { medianOf } from './buckets.ts';
import { utcDayOf } from './day-rollup.ts';
import { DAY_HOURS } from '../schema/analytics.ts';

export interface DashboardQuery {
  workspaceId: string;
  from: Date;
  to: Date;
  /** IANA name; days start at midnight there (whole-hour offsets exactly, counts are hourly). */
  timezone: string;
  flowId?: string;
  numberId?: string;
}

export interface DayFigures {
  /** YYYY-MM-DD in the workspace's time zone. */
  day: string;
  messagesIn: number;
  messagesOut: number;
  started: number;
  completed: number;
  abandoned: number;
  /** completed / started in percent (null when none started). */
  completionRate: number | null;
  handoffs: number;
  /** Median time from a message's arrival to the bot's reply, ms (null: no replies). */
  medianReplyMs: number | null;
  failedSends: number;
}

export interface DashboardFigures {
  timezone: string;
  days: DayFigures[];
  totals: Omit<DayFigures, 'day'>;
  numbers: {
    id: string;
    label: string;
    status: string;
    connected: boolean;
    lastSeenAt: string | null;
  }[];
  failingWebhooks: { id: string; url: string; failingSince: string | null; failures: number }[];
}

const emptyDay = (day: string): DayFigures => ({
  day,
  messagesIn: 0,
  messagesOut: 0,
  started: 0,
  completed: 0,
  abandoned: 0,
  completionRate: null,
  handoffs: 0,
  medianReplyMs: null,
  failedSends: 0,
});

const METRICS = {
  messages_in: 'messagesIn',
  messages_out: 'messagesOut',
  started: 'started',
  completed: 'completed',
  abandoned: 'abandoned',
  handoffs: 'handoffs',
  failed_sends: 'failedSends',
} as const;

function isMetric(m: string): m is keyof typeof METRICS {
  return m in METRICS;
}

/** The day (YYYY-MM-DD in the time zone) of an hour's start (ms), each hour formatted once. */
function hourDays(timezone: string): (hourMs: number) => string {
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const known = new Map<number, string>();
  return (hourMs) => {
    let d = known.get(hourMs);
    if (d === undefined) known.set(hourMs, (d = fmt.format(new Date(hourMs))));
    return d;
  };
}

const HOUR_MS = 3_600_000;

/** The days of [from, to) in the time zone, in order (every day shows, with zeros). */
function daysOf(from: Date, to: Date, dayOfHour: (hourMs: number) => string): string[] {
  const days: string[] = [];
  const first = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS;
  for (let t = first; t < to.getTime(); t += HOUR_MS) {
    const d = dayOfHour(t);
    if (days[days.length - 1] !== d) days.push(d);
  }
  return days;
}

/**
 * The hour columns summed, in one array in the order of DAY_HOURS, as its text ('{3,0,…}'): one
 * value a row to read, not 24 (a third less time for the 90 days' 600-odd rows).
 */
const HOUR_SUMS = sql.raw(`array[${DAY_HOURS.map((c) => `sum(${c})`).join(', ')}]::text as hours`);

export async function dashboardFigures(db: Database, q: DashboardQuery): Promise<DashboardFigures> {
  const h = schema.analyticsDays;
  // The simulator's numbers (not production traffic, see isSimulatorNumber): a handful at most.
  const sims = await executeRows<{ id: string }>(
    db,
    sql`select id from ${schema.numbers} where workspace_id = ${q.workspaceId} and ${isSimulatorNumber(sql`id`)}`,
  );
  const simulators = sql`${uuidArrayText(sims.map((r) => r.id))}::uuid[]`;
  const flow = q.flowId ? sql`and ${h.flowId} = ${q.flowId}` : sql``;
  const number = q.numberId ? sql`and ${h.numberId} = ${q.numberId}` : sql``;
  const dayOfHour = hourDays(q.timezone);
  const range = daysOf(q.from, q.to, dayOfHour);
  // Summed per UTC day and hour by Postgres; each hour goes to its day in the time zone below
  // (the UTC days overlapping [from, to) are read, the hours outside it skipped).
  const counting = executeRows<{ day: string; metric: string; key: string; hours: string }>(
    db,
    sql`select ${h.day}::text as day, ${h.metric} as metric, ${h.key} as key, ${HOUR_SUMS}
        from ${h}
        where ${h.workspaceId} = ${q.workspaceId} and ${h.day} >= ${utcDayOf(q.from.getTime())}::date
          and ${h.day} <= ${utcDayOf(q.to.getTime() - 1)}::date ${flow} ${number}
          and ${h.numberId} <> all(${simulators})
        group by 1, 2, 3`,
  );
  const listing = executeRows<{
    id: string;
    label: string;
    status: string;
    heartbeat_at: Date | string | null;
  }>(
    db,
    sql`select id, label, status::text as status, heartbeat_at from ${schema.numbers}
        where workspace_id = ${q.workspaceId} and deleted_at is null and pinned_version_id is null ${q.numberId ? sql`and id = ${q.numberId}` : sql``}
        order by label, id`,
  );
  const hooking = executeRows<{
    id: string;
    url: string;
    failing_since: Date | string | null;
    consecutive_failures: number;
  }>(
    db,
    sql`select id, url, failing_since, consecutive_failures from ${schema.webhookEndpoints}
        where workspace_id = ${q.workspaceId} and (consecutive_failures > 0 or disabled_reason is not null)
        order by failing_since nulls last, id`,
  );
  // The three reads at once: the page waits for the slowest, not for their sum.
  const [counted, numbers, hooks] = await Promise.all([counting, listing, hooking]);
  const days = new Map(range.map((d) => [d, emptyDay(d)]));
  const replies = new Map<string, Map<number, number>>();
  const allReplies = new Map<number, number>();
  const dayOf = (d: string) => {
    let f = days.get(d);
    if (!f) days.set(d, (f = emptyDay(d)));
    return f;
  };
  const [fromMs, toMs] = [q.from.getTime(), q.to.getTime()];
  for (const r of counted) {
    const metric = isMetric(r.metric) ? METRICS[r.metric] : null;
    if (metric === null && r.metric !== 'reply_ms') continue;
    const dayMs = Date.parse(`${r.day}T00:00:00Z`);
    r.hours
      .slice(1, -1)
      .split(',')
      .forEach((count, i) => {
        const t = dayMs + i * HOUR_MS;
        const n = Number(count);
        if (n === 0 || t < fromMs || t >= toMs) return;
        const d = dayOfHour(t);
        const f = dayOf(d);
        if (metric !== null) f[metric] += n;
        else {
          const b = Number(r.key);
          const perDay = replies.get(d) ?? new Map<number, number>();
          perDay.set(b, (perDay.get(b) ?? 0) + n);
          replies.set(d, perDay);
          allReplies.set(b, (allReplies.get(b) ?? 0) + n);
        }
      });
  }
  const rate = (f: { started: number; completed: number }) =>
    f.started > 0 ? Math.round((f.completed / f.started) * 1000) / 10 : null;
  const list = [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
  const totals = emptyDay('');
  for (const f of list) {
    f.completionRate = rate(f);
    f.medianReplyMs = medianOf(replies.get(f.day) ?? new Map());
    for (const k of Object.values(METRICS)) totals[k] += f[k];
  }
  totals.completionRate = rate(totals);
  totals.medianReplyMs = medianOf(allReplies);
  const { day: _day, ...total } = totals;

  const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
  return {
    timezone: q.timezone,
    days: list,
    totals: total,
    numbers: numbers.map((n) => ({
      id: n.id,
      label: n.label,
      status: n.status,
      connected: n.status === 'ready',
      lastSeenAt: iso(n.heartbeat_at),
    })),
    failingWebhooks: hooks.map((w) => ({
      id: w.id,
      url: w.url,
      failingSince: iso(w.failing_since),
      failures: Number(w.consecutive_failures),
    })),
  };
}
