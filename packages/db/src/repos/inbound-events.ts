// Inbound events are persisted before anything else happens to them; the unique
// (number, WhatsApp message id) is where duplicates stop.
import { and, eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { inboundEvents } from '../schema/index.ts';

export type NewInboundEvent = { numberId: string; waMessageId: string; fromWaId: string; payload: unknown; kind?: string };

/**
 * Inserts the event unless one with the same (number, WhatsApp message id) exists. Returns the id
 * of the row either way, and whether this call created it.
 */
export async function insertInboundEvent(db: Database, input: NewInboundEvent): Promise<{ inserted: boolean; id: string }> {
  // Two rounds: the conflicting row could be deleted between the insert and the read.
  for (let round = 0; round < 2; round++) {
    const [row] = await db.insert(inboundEvents).values(input).onConflictDoNothing().returning({ id: inboundEvents.id });
    if (row) return { inserted: true, id: row.id };
    const [existing] = await db
      .select({ id: inboundEvents.id })
      .from(inboundEvents)
      .where(and(eq(inboundEvents.numberId, input.numberId), eq(inboundEvents.waMessageId, input.waMessageId)));
    if (existing) return { inserted: false, id: existing.id };
  }
  throw new Error(`inbound event ${input.waMessageId} neither inserted nor found`);
}
