// Settles a webhook delivery this process claimed: its row moves on (delivered, pending for a
// retry, failed), and the attempt that decided it is recorded by the same statement.
import { and, eq, sql } from 'drizzle-orm';
import { schema, type Database } from '@waflow/db';

export type DeliveryRow = typeof schema.webhookDeliveries.$inferSelect;

/** Settles a delivery this process claimed; with `attempt`, records it in the same statement. */
export async function finishDelivery(
  db: Database,
  delivery: DeliveryRow,
  set: Finish,
  attempt?: Attempt,
): Promise<void> {
  if (!attempt) {
    await db
      .update(schema.webhookDeliveries)
      .set(set)
      .where(
        and(
          eq(schema.webhookDeliveries.id, delivery.id),
          eq(schema.webhookDeliveries.status, 'delivering'),
        ),
      );
    return;
  }
  const iso = (d: Date | undefined) => (d ? d.toISOString() : null);
  await db.execute(sql`
      with attempt as (
        insert into ${schema.webhookAttempts} (delivery_id, created_at, status_code, latency_ms, response_body, error, request_headers)
        values (${delivery.id}, ${iso(attempt.at)}::timestamptz, ${attempt.statusCode}::int, ${attempt.latencyMs}::int, ${attempt.responseBody}::text, ${attempt.error}::text, ${JSON.stringify(attempt.requestHeaders)}::jsonb)
      )
      update ${schema.webhookDeliveries}
      set status = ${set.status}::delivery_status, last_response_code = ${set.lastResponseCode ?? null}::int, last_error = ${set.lastError ?? null}::text,
          delivered_at = coalesce(${iso(set.deliveredAt)}::timestamptz, delivered_at), next_attempt_at = coalesce(${iso(set.nextAttemptAt)}::timestamptz, next_attempt_at)
      where id = ${delivery.id} and status = 'delivering'`);
}

export interface Finish {
  status: 'pending' | 'delivered' | 'failed';
  lastResponseCode?: number | null;
  lastError?: string | null;
  deliveredAt?: Date;
  nextAttemptAt?: Date;
}

export interface Attempt {
  at: Date;
  statusCode: number | null;
  latencyMs: number;
  responseBody: string | null;
  error: string | null;
  requestHeaders: Record<string, string>;
}
