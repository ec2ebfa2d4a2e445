// analytics_days, the Overview's rollup of analytics_hours (a row per UTC day, its hours as
// columns): the statement that adds hour counts to their days, and retention's cut of the days.
import { sql, type SQL } from 'drizzle-orm';
import * as schema from '../schema/index.ts';
import { DAY_HOURS } from '../schema/analytics.ts';

const HOUR_MS = 3_600_000;

/**
 * Adds hour counts to their days: `hours` selects rows of (workspace_id, flow_id, number_id,
 * hour, metric, key, count), any number per day. Rows are summed per day and sorted by the key
 * before the upsert, as the hours' own upsert does (no row touched twice, locks in one order).
 */
export function addToDays(hours: SQL): SQL {
  const sums = DAY_HOURS.map((_, h) => `sum(case when r.h = ${h} then r.count else 0 end)`);
  const adds = DAY_HOURS.map((c) => `${c} = analytics_days.${c} + excluded.${c}`);
  return sql`insert into ${schema.analyticsDays} (workspace_id, flow_id, number_id, day, metric, key, ${sql.raw(DAY_HOURS.join(', '))})
    select r.workspace_id, r.flow_id, r.number_id, r.day, r.metric, r.key, ${sql.raw(sums.join(', '))}
    from (
      select s.workspace_id, s.flow_id, s.number_id, (s.hour at time zone 'UTC')::date as day,
        extract(hour from s.hour at time zone 'UTC')::int as h, s.metric, s.key, s.count
      from (${hours}) s
    ) r
    group by 1, 2, 3, 4, 5, 6
    order by 1, 4, 2, 3, 5, 6
    on conflict on constraint analytics_days_key do update set ${sql.raw(adds.join(', '))}`;
}

/** The UTC day (YYYY-MM-DD) an instant falls in. */
export const utcDayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Retention's share of the days (the hours before `cutoff` go, see purgeExpired): deletes up to
 * `batch` whole days before it (answering a row each); `cutDay` empties the hours before it of the
 * day it falls in (a row left with no count goes), so the days keep exactly what the hours keep.
 */
export function expiredDays(workspaceId: string, cutoff: Date, batch: number): SQL {
  const d = schema.analyticsDays;
  return sql`delete from ${d} where ctid in (
      select ctid from ${d} where workspace_id = ${workspaceId} and day < ${utcDayOf(cutoff.getTime())}::date limit ${batch})
    returning 1 as id`;
}

export function cutDay(workspaceId: string, cutoff: Date): SQL[] {
  const d = schema.analyticsDays;
  const day = utcDayOf(cutoff.getTime());
  // Hours starting before the cutoff go; the rest stay.
  const gone = Math.ceil((cutoff.getTime() - Date.parse(`${day}T00:00:00Z`)) / HOUR_MS);
  if (gone <= 0) return [];
  const cut = DAY_HOURS.slice(0, gone);
  const kept = DAY_HOURS.slice(gone);
  const where = sql`workspace_id = ${workspaceId} and day = ${day}::date`;
  const none = kept.length > 0 ? kept.map((c) => `${c} = 0`).join(' and ') : 'true';
  return [
    sql`delete from ${d} where ${where} and (${sql.raw(none)})`,
    sql`update ${d} set ${sql.raw(cut.map((c) => `${c} = 0`).join(', '))}
      where ${where} and (${sql.raw(cut.map((c) => `${c} <> 0`).join(' or '))})`,
  ];
}
