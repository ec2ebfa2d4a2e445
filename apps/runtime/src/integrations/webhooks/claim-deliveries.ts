// Chooses the webhook deliveries to attempt now and claims them, within caps that keep one bad
// endpoint from slowing anyone else: so many requests in flight per endpoint, so many per
// workspace (across every process, counted in Postgres), so many per process. An endpoint that
// never answers fills its own few slots and waits there; the others' deliveries keep flowing.
import { sql } from 'drizzle-orm';
import { executeRows, schema, uuidArrayText, type Database } from '@waflow/db';
import { ATTEMPT_TIMEOUT_MS } from './delivery-policy.ts';

export interface DeliveryLimits {
  /** Requests in flight to one endpoint at once, across every runtime process. */
  perEndpoint: number;
  /** Requests in flight to one workspace's endpoints together (its share), across every process. */
  perWorkspace: number;
  /** Requests one process keeps in flight at once. */
  perProcess: number;
}

export const defaultDeliveryLimits: DeliveryLimits = {
  perEndpoint: 4,
  perWorkspace: 16,
  perProcess: 64,
};

/**
 * A claimed delivery is `delivering` with next_attempt_at = the claim's lease: an attempt lasts at
 * most ATTEMPT_TIMEOUT_MS, so one still `delivering` after the lease belongs to a process that
 * died, and is claimed again (at least once, same webhook-id).
 */
export const CLAIM_LEASE_MS = ATTEMPT_TIMEOUT_MS + 15_000;

// One claimer at a time across processes (a transaction-scoped advisory lock), so the counts it
// reads are the counts it fills; a process that finds the lock taken claims at its next tick.
const CLAIM_LOCK = 0x77666c77; // "wflw"

interface Candidate {
  id: string;
  endpoint_id: string;
  workspace_id: string;
}

/** Claims at most `room` deliveries due at `now` that fit under the caps; returns their ids. */
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
  return db.transaction(async (tx) => {
    const [lock] = await executeRows<{ ok: boolean }>(
      tx,
      sql`select pg_try_advisory_xact_lock(${CLAIM_LOCK}) as ok`,
    );
    if (!lock?.ok) return [];
    const busy = await executeRows<{ endpoint_id: string; workspace_id: string; n: number }>(
      tx,
      sql`select d.endpoint_id, e.workspace_id, count(*)::int as n from ${d} d join ${e} e on e.id = d.endpoint_id
          where d.status = 'delivering' and d.next_attempt_at > ${at}::timestamptz group by d.endpoint_id, e.workspace_id`,
    );
    // At most perEndpoint due rows of each endpoint (its oldest), so a backlog at one endpoint
    // never hides the others' deliveries.
    const candidates = await executeRows<Candidate>(
      tx,
      sql`select c.id, e.id as endpoint_id, e.workspace_id from ${e} e
          cross join lateral (
            select d.id, d.next_attempt_at from ${d} d
            where d.endpoint_id = e.id and d.status in ('pending', 'delivering') and d.next_attempt_at <= ${at}::timestamptz
            order by d.next_attempt_at limit ${limits.perEndpoint}
          ) c
          order by c.next_attempt_at`,
    );
    const byEndpoint = new Map<string, number>();
    const byWorkspace = new Map<string, number>();
    for (const b of busy) {
      byEndpoint.set(b.endpoint_id, b.n);
      byWorkspace.set(b.workspace_id, (byWorkspace.get(b.workspace_id) ?? 0) + b.n);
    }
    const picked: string[] = [];
    for (const c of candidates) {
      if (picked.length >= room) break;
      const ep = byEndpoint.get(c.endpoint_id) ?? 0;
      const ws = byWorkspace.get(c.workspace_id) ?? 0;
      if (ep >= limits.perEndpoint || ws >= limits.perWorkspace) continue;
      byEndpoint.set(c.endpoint_id, ep + 1);
      byWorkspace.set(c.workspace_id, ws + 1);
      picked.push(c.id);
    }
    if (picked.length === 0) return [];
    const claimed = await executeRows<{ id: string }>(
      tx,
      sql`update ${d} set status = 'delivering', attempts = attempts + 1, next_attempt_at = ${lease}::timestamptz
          where id = any(${uuidArrayText(picked)}::uuid[]) and status in ('pending', 'delivering') and next_attempt_at <= ${at}::timestamptz
          returning id`,
    );
    return claimed.map((r) => r.id);
  });
}
