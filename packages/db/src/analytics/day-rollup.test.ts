import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '@waflow/testkit';
import { createDb, type DbClient } from '../client.ts';
import { migrate } from '../migrate.ts';
import { schema } from '../index.ts';
import { executeRows } from '../sql-rows.ts';
import { createFlow } from '../repos/flows.ts';
import { purgeExpired, RETENTION_SETTING } from '../repos/retention.ts';
import { createWorkspace } from '../repos/workspaces.ts';
import { DAY_HOURS } from '../schema/analytics.ts';
import { medianOf } from './buckets.ts';
import { dashboardFigures } from './dashboard-figures.ts';
import { countFailedSend, countsWrite, hourCountsJson, type HourCount } from './turn-counts.ts';

const HOUR_MS = 3_600_000;
// Five days around the end of Europe's summer time (2026-10-25), so a local day has 25 hours.
const BASE = Date.parse('2026-10-23T00:00:00Z');
const METRICS = ['started', 'completed', 'abandoned', 'handoffs'] as const;

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

describe('the Overview rollup per day (analytics_days) on real Postgres', () => {
  let client: DbClient;
  beforeAll(async () => {
    client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
    await migrate(client);
  });
  afterAll(() => client.close());

  /** The hours' non-zero counts, and the same read back from the days' columns. */
  async function bothSides(workspaceId: string): Promise<[string[], string[]]> {
    const hours = await executeRows<{ r: string }>(
      client.db,
      sql`select concat_ws('|', flow_id, number_id, extract(epoch from hour)::bigint, metric, key, count) as r
          from ${schema.analyticsHours} where workspace_id = ${workspaceId} and count <> 0`,
    );
    const days = await executeRows<{ r: string }>(
      client.db,
      sql`select concat_ws('|', flow_id, number_id, extract(epoch from day::timestamp at time zone 'UTC')::bigint + (u.i - 1) * 3600, metric, key, u.c) as r
          from ${schema.analyticsDays} cross join lateral unnest(array[${sql.raw(DAY_HOURS.join(', '))}]) with ordinality u(c, i)
          where workspace_id = ${workspaceId} and u.c <> 0`,
    );
    return [hours.map((x) => x.r).sort(), days.map((x) => x.r).sort()];
  }

  it('holds what the hours hold, per time zone the same days as the hours give, and expires with them', async () => {
    const db = client.db;
    const ws = await createWorkspace(db, 'Rollup');
    const flow = await createFlow(db, { workspaceId: ws.id, name: 'F', draft: {} });
    const numbers = [
      '00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000000002',
    ];
    const next = random(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
    // Batches as turns' commits write them: counts and transcript lines over 5 days.
    for (let batch = 0; batch < 40; batch++) {
      const rows: HourCount[] = [];
      const lines: string[] = [];
      for (let i = 0; i < 12; i++) {
        const hour = new Date(BASE + Math.floor(next() * 120) * HOUR_MS).toISOString();
        const base = {
          workspaceId: ws.id,
          flowId: pick([flow.id, null]),
          numberId: pick(numbers),
          hour,
        };
        rows.push({ ...base, metric: pick(METRICS), key: '', count: 1 + Math.floor(next() * 3) });
        rows.push({ ...base, metric: 'reply_ms', key: pick(['250', '1000', '5000']), count: 1 });
        lines.push(
          `('${ws.id}'::uuid, ${base.flowId ? `'${base.flowId}'::uuid` : 'null::uuid'}, '${base.numberId}'::uuid, '${hour}'::timestamptz, '${pick(['in', 'out'])}')`,
        );
      }
      await db.execute(sql`with nothing as (select 1)
        ${countsWrite(
          sql`'[]'`,
          sql`${hourCountsJson(rows)}`,
          sql`select * from (values ${sql.raw(lines.join(', '))}) as l(workspace_id, flow_id, number_id, hour, direction)`,
        )} select 1`);
    }
    for (let i = 0; i < 5; i++)
      await countFailedSend(db, {
        workspaceId: ws.id,
        numberId: pick(numbers),
        conversationId: null,
        at: new Date(BASE + next() * 120 * HOUR_MS),
      });
    const [hours, days] = await bothSides(ws.id);
    expect(hours.length).toBeGreaterThan(400);
    expect(days).toEqual(hours);

    // Each hour in [from, to) counts for the day it starts on, in the zone (the whole hours).
    const from = new Date(BASE + 3.5 * HOUR_MS);
    const to = new Date(BASE + 118.25 * HOUR_MS);
    for (const timezone of ['UTC', 'Europe/Madrid', 'Pacific/Kiritimati', 'America/New_York']) {
      for (const filter of [{}, { flowId: flow.id }, { numberId: numbers[1] ?? '' }]) {
        const expected = await executeRows<{ day: string; metric: string; key: string; n: string }>(
          db,
          sql`select to_char(hour at time zone ${timezone}, 'YYYY-MM-DD') as day, metric, key, sum(count)::text as n
              from ${schema.analyticsHours}
              where workspace_id = ${ws.id} and hour >= ${from.toISOString()}::timestamptz and hour < ${to.toISOString()}::timestamptz
                ${'flowId' in filter ? sql`and flow_id = ${filter.flowId}` : sql``}
                ${'numberId' in filter ? sql`and number_id = ${filter.numberId}` : sql``}
              group by 1, 2, 3`,
        );
        const figures = await dashboardFigures(db, {
          workspaceId: ws.id,
          from,
          to,
          timezone,
          ...filter,
        });
        const sum = (day: string, metric: string) =>
          expected
            .filter((e) => e.day === day && e.metric === metric)
            .reduce((s, e) => s + Number(e.n), 0);
        for (const d of figures.days) {
          const replies = new Map(
            expected
              .filter((e) => e.day === d.day && e.metric === 'reply_ms')
              .map((e) => [Number(e.key), Number(e.n)]),
          );
          expect(d).toMatchObject({
            messagesIn: sum(d.day, 'messages_in'),
            messagesOut: sum(d.day, 'messages_out'),
            started: sum(d.day, 'started'),
            completed: sum(d.day, 'completed'),
            abandoned: sum(d.day, 'abandoned'),
            handoffs: sum(d.day, 'handoffs'),
            failedSends: sum(d.day, 'failed_sends'),
            medianReplyMs: medianOf(replies),
          });
        }
        expect(figures.days.map((d) => d.day)).toEqual(
          expect.arrayContaining([...new Set(expected.map((e) => e.day))]),
        );
      }
    }

    // Retention: the cutoff falls inside a UTC day; the days keep exactly the hours kept.
    await db
      .update(schema.workspaces)
      .set({ settings: { [RETENTION_SETTING]: 1 } })
      .where(sql`id = ${ws.id}`);
    await purgeExpired(db, new Date(BASE + (24 + 50.5) * HOUR_MS));
    const [keptHours, keptDays] = await bothSides(ws.id);
    expect(keptHours.length).toBeLessThan(hours.length);
    expect(keptDays).toEqual(keptHours);
  });
});
