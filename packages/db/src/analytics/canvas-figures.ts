// The builder's analytics overlay: per block of a flow, for the chosen versions and range, how many
// conversations reached it, left it by each way out, stopped there, and the median time spent;
// the edges with their traffic. Read from the hourly counts (analytics_block_hours).
import { sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { executeRows } from '../sql-rows.ts';
import * as schema from '../schema/index.ts';
import { medianOf } from './buckets.ts';

export interface CanvasQuery {
  workspaceId: string;
  flowId: string;
  /** The versions to add up (empty: every published or archived version of the flow). */
  versionIds: readonly string[];
  from: Date;
  to: Date;
}

export interface BlockFigures {
  nodeId: string;
  /** Visits that reached the block (a conversation that came back counts again). */
  entered: number;
  left: number;
  /** Reached and not left (yet): where conversations stop. */
  stopped: number;
  /** stopped / entered, in percent (0 when none reached it). */
  dropOffPct: number;
  invalid: number;
  httpFailed: number;
  /** Median time from reaching the block to leaving it, ms (null: none left). */
  medianMs: number | null;
  /** Left by way of each next block ('' : the path ended there). */
  exits: Record<string, number>;
}

export interface CanvasFigures {
  blocks: BlockFigures[];
  edges: { from: string; to: string; count: number }[];
}

export async function canvasFigures(db: Database, q: CanvasQuery): Promise<CanvasFigures> {
  const b = schema.analyticsBlockHours;
  const versions =
    q.versionIds.length > 0
      ? sql`and ${b.flowVersionId} in (${sql.join(
          q.versionIds.map((v) => sql`${v}::uuid`),
          sql`, `,
        )})`
      : // The simulator's draft snapshots are not production traffic.
        sql`and ${b.flowVersionId} in (select id from ${schema.flowVersions} where flow_id = ${q.flowId} and status <> 'draft')`;
  const rows = await executeRows<{ node_id: string; metric: string; key: string; n: string }>(
    db,
    sql`select node_id, metric, key, sum(count)::text as n from ${b}
        where ${b.workspaceId} = ${q.workspaceId} and ${b.flowId} = ${q.flowId} ${versions}
          and ${b.hour} >= ${q.from.toISOString()}::timestamptz and ${b.hour} < ${q.to.toISOString()}::timestamptz
        group by 1, 2, 3`,
  );
  const byNode = new Map<string, BlockFigures & { times: Map<number, number> }>();
  const of = (nodeId: string) => {
    let f = byNode.get(nodeId);
    if (!f) {
      f = {
        nodeId,
        entered: 0,
        left: 0,
        stopped: 0,
        dropOffPct: 0,
        invalid: 0,
        httpFailed: 0,
        medianMs: null,
        exits: {},
        times: new Map(),
      };
      byNode.set(nodeId, f);
    }
    return f;
  };
  for (const r of rows) {
    const f = of(r.node_id);
    const n = Number(r.n);
    if (r.metric === 'entered') f.entered += n;
    else if (r.metric === 'left') {
      f.left += n;
      f.exits[r.key] = (f.exits[r.key] ?? 0) + n;
    } else if (r.metric === 'invalid') f.invalid += n;
    else if (r.metric === 'http_failed') f.httpFailed += n;
    else if (r.metric === 'time') f.times.set(Number(r.key), (f.times.get(Number(r.key)) ?? 0) + n);
  }
  const blocks: BlockFigures[] = [];
  const edges: CanvasFigures['edges'] = [];
  for (const { times, ...f } of byNode.values()) {
    // A range can cut a visit in two (reached before it, left inside it): never below zero.
    f.stopped = Math.max(0, f.entered - f.left);
    f.dropOffPct = f.entered > 0 ? Math.round((f.stopped / f.entered) * 1000) / 10 : 0;
    f.medianMs = medianOf(times);
    blocks.push(f);
    for (const [to, count] of Object.entries(f.exits))
      if (to !== '') edges.push({ from: f.nodeId, to, count });
  }
  blocks.sort((a, b) => a.nodeId.localeCompare(b.nodeId));
  edges.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  return { blocks, edges };
}
