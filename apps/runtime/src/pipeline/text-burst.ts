// A debounced burst of text messages (a flow's settings.debounceMs): the pending messages that
// join the claimed one, and the claim given back while the burst is still arriving.
import { sql } from 'drizzle-orm';
import { executeRows, parseInboundPayload, schema, type Database } from '@waflow/db';
import type { InboundMessage } from '@waflow/channel';
import { asDate, type ClaimedEvent } from './claim-event.ts';

/** The claimed text message and the text messages right after it, still pending, in order. */
export async function pendingTextBurst(
  db: Database,
  ev: ClaimedEvent,
): Promise<{ id: string; message: InboundMessage; receivedAt: Date }[]> {
  const rows = await executeRows<{ id: string; payload: unknown; received_at: Date | string }>(
    db,
    sql`select id, payload, created_at as received_at from ${schema.inboundEvents}
        where number_id = ${ev.numberId} and from_wa_id = ${ev.fromWaId} and status in ('pending', 'processing')
        order by seq limit 50`,
  );
  const burst: { id: string; message: InboundMessage; receivedAt: Date }[] = [];
  for (const r of rows) {
    const p = parseInboundPayload(r.payload);
    if (p.kind !== 'message' || p.message.type !== 'text') break;
    burst.push({ id: r.id, message: p.message, receivedAt: asDate(r.received_at) });
  }
  return burst[0]?.id === ev.id ? burst : [];
}

/** Gives a claimed event back untouched (a debounced burst that is still arriving). */
export async function releaseClaim(db: Database, id: string): Promise<void> {
  await db.execute(
    sql`update ${schema.inboundEvents} set status = 'pending', attempts = greatest(attempts - 1, 0) where id = ${id} and status = 'processing'`,
  );
}
