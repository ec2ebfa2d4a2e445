// The analytics part of a turn's commit (runtime commit-statement.ts): counts per hour (and their
// days' rollup, day-rollup.ts) added up by the same statement that checkpoints the turn, so a turn
// is counted exactly when it is written
// (a crash before the commit counts nothing, a replay after it finds the event settled). Rows of
// a batch are summed and sorted before the upserts: no row is touched twice, and concurrent
// batches take the row locks in the same order (no deadlock).
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import * as schema from '../schema/index.ts';
import { addToDays } from './day-rollup.ts';

/** One count of a block of a flow version in an hour (`hour`: ISO, the hour's start). */
export interface BlockCount {
  workspaceId: string;
  flowId: string;
  flowVersionId: string;
  nodeId: string;
  hour: string;
  metric: 'entered' | 'left' | 'invalid' | 'http_failed' | 'time';
  key: string;
  count: number;
}

/** One count of a flow × number in an hour (messages in and out are counted from the lines written). */
export interface HourCount {
  workspaceId: string;
  flowId: string | null;
  numberId: string;
  hour: string;
  metric: 'started' | 'completed' | 'abandoned' | 'handoffs' | 'reply_ms';
  key: string;
  count: number;
}

/** The start of the hour of `at`, as stored. */
export function hourOf(at: Date): string {
  return new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000).toISOString();
}

export const blockCountsJson = (rows: readonly BlockCount[]): string =>
  JSON.stringify(
    rows.map((r) => ({
      workspace_id: r.workspaceId,
      flow_id: r.flowId,
      flow_version_id: r.flowVersionId,
      node_id: r.nodeId,
      hour: r.hour,
      metric: r.metric,
      key: r.key,
      count: r.count,
    })),
  );

export const hourCountsJson = (rows: readonly HourCount[]): string =>
  JSON.stringify(
    rows.map((r) => ({
      workspace_id: r.workspaceId,
      flow_id: r.flowId,
      number_id: r.numberId,
      hour: r.hour,
      metric: r.metric,
      key: r.key,
      count: r.count,
    })),
  );

/**
 * The CTE parts (each starting with a comma) that add a batch's counts: `blocks` and `hours` are
 * the JSON of BlockCount/HourCount rows; `messages` is a select of the transcript lines written
 * (workspace_id, flow_id, number_id, hour, direction) — what messages in and out count.
 */
export function countsWrite(blocks: SQL, hours: SQL, messages: SQL): SQL {
  const b = schema.analyticsBlockHours;
  const h = schema.analyticsHours;
  return sql`, block_counted as (
    insert into ${b} (workspace_id, flow_id, flow_version_id, node_id, hour, metric, key, count)
    select a.workspace_id, a.flow_id, a.flow_version_id, a.node_id, a.hour, a.metric, a.key, sum(a.count)
    from jsonb_to_recordset(${blocks}::jsonb)
      as a(workspace_id uuid, flow_id uuid, flow_version_id uuid, node_id text, hour timestamptz, metric text, key text, count bigint)
    group by 1, 2, 3, 4, 5, 6, 7
    order by 3, 5, 4, 6, 7
    on conflict (flow_version_id, hour, node_id, metric, key) do update set count = ${b}.count + excluded.count
  ), hour_rows as (
    select x.workspace_id, x.flow_id, x.number_id, x.hour, x.metric, x.key, sum(x.count) as count
    from (
      select m.workspace_id, m.flow_id, m.number_id, m.hour,
        case when m.direction = 'in' then 'messages_in' else 'messages_out' end as metric, '' as key, 1::bigint as count
      from (${messages}) m
      union all
      select a.workspace_id, a.flow_id, a.number_id, a.hour, a.metric, a.key, a.count
      from jsonb_to_recordset(${hours}::jsonb)
        as a(workspace_id uuid, flow_id uuid, number_id uuid, hour timestamptz, metric text, key text, count bigint)
    ) x
    group by 1, 2, 3, 4, 5, 6
  ), hour_counted as (
    insert into ${h} (workspace_id, flow_id, number_id, hour, metric, key, count)
    select * from hour_rows
    order by 1, 4, 2, 3, 5, 6
    on conflict on constraint analytics_hours_key do update set count = ${h}.count + excluded.count
  ), day_counted as (
    ${addToDays(sql`select * from hour_rows`)}
  )`;
}

/**
 * Counts a reply that failed for good (`failed_sends` of its number's hour, under its
 * conversation's flow), in the transaction that fails it (the runtime's failOutboxRow): a failure
 * is counted when it is recorded, once.
 */
export async function countFailedSend(
  tx: Database,
  f: { workspaceId: string; numberId: string; conversationId: string | null; at: Date },
): Promise<void> {
  const h = schema.analyticsHours;
  await tx.execute(sql`
    with failed as (
      select ${f.workspaceId}::uuid as workspace_id,
        (select flow_id from ${schema.conversations} where id = ${f.conversationId}::uuid) as flow_id,
        ${f.numberId}::uuid as number_id, ${hourOf(f.at)}::timestamptz as hour, 'failed_sends' as metric, '' as key, 1::bigint as count
    ), hour_counted as (
      insert into ${h} (workspace_id, flow_id, number_id, hour, metric, key, count)
      select * from failed
      on conflict on constraint analytics_hours_key do update set count = ${h}.count + 1
    )
    ${addToDays(sql`select * from failed`)}`);
}
