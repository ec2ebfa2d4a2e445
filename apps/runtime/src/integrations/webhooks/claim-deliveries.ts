// Chooses the webhook deliveries to attempt now and claims them, within caps that keep one bad
// endpoint from slowing anyone else: so many requests in flight per endpoint, so many per
// workspace (across every process, counted in Postgres), so many per process. An endpoint that
// never answers fills its own few slots and waits there; the others' deliveries keep flowing.
import { sql } from 'drizzle-orm';
import { executeRows, schema, type Database } from '@waflow/db';
import { ATTEMPT_TIMEOUT_MS } from './delivery-policy.ts';

export interface DeliveryLimits {
  /** Requests in flight to one endpoint at once, across every runtime process. */
  perEndpoint: number;
  /** Requests in flight to one workspace's endpoints together (its share), across every process. */
  perWorkspace: number;
  /** Requests one process keeps in flight at once. */
  perProcess: number;
}

// An endpoint answering in 100 ms takes up to 160 deliveries a second; a tarpit holds 16 requests.
export const defaultDeliveryLimits: DeliveryLimits = {
  perEndpoint: 16,
  perWorkspace: 48,
  perProcess: 256,
};

/**
 * A claimed delivery is `delivering` with next_attempt_at = the claim's lease: an attempt lasts at
 * most ATTEMPT_TIMEOUT_MS, so one still `delivering` after the lease belongs to a process that
 * died, and is claimed again (at least once, same webhook-id).
 */
export const CLAIM_LEASE_MS = ATTEMPT_TIMEOUT_MS + 15_000;

/**
 * Claims at most `room` deliveries due at `now` that fit under the caps, in one statement; returns
 * their ids. Two processes claiming at the same instant never claim a row twice (the update
 * re-checks each row it waited for), but may both fill the same free slot: the caps are exact in
 * one process and can be passed by one request per extra process claiming at that instant.
 */
export async function claimDeliveries(
  db: Database,
  now: Date,
  limits: DeliveryLimits,
  room: number,
): Promise<string[]> {
  if (room <= 0) return [];
  const at = now.toISOString();
  const lease = new Date(now.getTime() + CLAIM_LEASE_MS).toISOString();
  const d = schema.webhookDeliveries;
  const e = schema.webhookEndpoints;
  // In flight: `delivering` under a live lease. Each endpoint offers its oldest due rows, as many
  // as it has free slots (so a backlog at one endpoint never hides the others'); a workspace's
  // rows then fill its free share, oldest first.
  const rows = await executeRows<{ id: string }>(
    db,
    sql`
    with busy as (
      select endpoint_id, count(*)::int as n from ${d}
      where status = 'delivering' and next_attempt_at > ${at}::timestamptz
      group by endpoint_id
    ),
    busy_workspace as (
      select e.workspace_id, sum(b.n)::int as n from busy b join ${e} e on e.id = b.endpoint_id group by e.workspace_id
    ),
    offered as (
      select c.id, c.next_attempt_at, e.workspace_id from ${e} e
      left join busy b on b.endpoint_id = e.id
      cross join lateral (
        select id, next_attempt_at from ${d}
        where endpoint_id = e.id and status in ('pending', 'delivering') and next_attempt_at <= ${at}::timestamptz
        order by next_attempt_at
        limit greatest(0, ${limits.perEndpoint}::int - coalesce(b.n, 0))
      ) c
    ),
    picked as (
      select o.id from (
        select o.id, o.next_attempt_at, coalesce(w.n, 0) + row_number() over (partition by o.workspace_id order by o.next_attempt_at) as rank_in_workspace
        from offered o left join busy_workspace w on w.workspace_id = o.workspace_id
      ) o
      where o.rank_in_workspace <= ${limits.perWorkspace}::int
      order by o.next_attempt_at
      limit ${room}::int
    )
    update ${d} d set status = 'delivering', attempts = d.attempts + 1, next_attempt_at = ${lease}::timestamptz
    from picked p
    where d.id = p.id and d.status in ('pending', 'delivering') and d.next_attempt_at <= ${at}::timestamptz
    returning d.id`,
  );
  return rows.map((r) => r.id);
}
