// Which runtime host serves which WhatsApp number: a lease on the number's row (holder + expiry).
// A host claims free or expired numbers and renews its own every few seconds; when a host dies its
// leases expire and another host's next claim takes the numbers over (their sessions come back
// from the encrypted store, no new QR).
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { executeRows } from '../sql-rows.ts';
import { numbers } from '../schema/index.ts';

export interface LeaseOptions {
  hostId: string;
  ttlMs: number;
  /** Most numbers this host serves (its own included). */
  capacity?: number;
}

/**
 * Renews this host's leases and claims free or expired numbers up to `capacity`, oldest numbers
 * first; returns the ids this host now holds. Rows are taken with SKIP LOCKED: two hosts claiming
 * at once never take the same number.
 */
export async function claimNumberLeases(db: Database, opts: LeaseOptions): Promise<string[]> {
  const ttl = `${Math.max(1, Math.round(opts.ttlMs))} milliseconds`;
  const capacity = opts.capacity ?? 1_000_000;
  const list = await executeRows<{ id: string }>(
    db,
    sql`
    update ${numbers} set lease_holder = ${opts.hostId}, lease_expires_at = now() + ${ttl}::interval
    where id in (
      select id from ${numbers}
      where channel = 'whatsapp' and deleted_at is null and pinned_version_id is null
        and (lease_holder = ${opts.hostId} or lease_holder is null or lease_expires_at < now())
      order by (lease_holder = ${opts.hostId}) desc nulls last, created_at
      limit ${capacity}
      for update skip locked
    )
    returning id`,
  );
  return list.map((r) => r.id).sort();
}

/** Gives this host's numbers back at once (a clean stop), so another host need not wait. */
export async function releaseNumberLeases(db: Database, hostId: string): Promise<void> {
  await db
    .update(numbers)
    .set({ leaseHolder: null, leaseExpiresAt: null })
    .where(and(eq(numbers.leaseHolder, hostId), sql`${numbers.deletedAt} is null`));
}

/**
 * How long this host's lease on the number still runs (ms, by the database's clock), or
 * undefined when the host does not hold it. A number worker stops itself when its host stopped
 * renewing (see the worker), before another host may take the number.
 */
export async function numberLeaseRemainingMs(
  db: Database,
  numberId: string,
  hostId: string,
): Promise<number | undefined> {
  const list = await executeRows<{ ms: number | string | null }>(
    db,
    sql`
    select extract(epoch from (lease_expires_at - now())) * 1000 as ms from ${numbers}
    where id = ${numberId} and lease_holder = ${hostId} and lease_expires_at > now()`,
  );
  const ms = list[0]?.ms;
  return ms === undefined || ms === null ? undefined : Number(ms);
}
