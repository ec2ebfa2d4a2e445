// Inbound events are persisted before anything else happens to them; the unique
// (number, WhatsApp message id) is where duplicates stop.
import { and, eq, inArray } from 'drizzle-orm';
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

/**
 * Inserts several events of one number in one statement, in the given order (their `seq` follows
 * it), skipping those that exist. Returns, per input, the row's id and whether this call created
 * it (a message id given twice is created by its first occurrence).
 */
export async function insertInboundEvents(db: Database, numberId: string, inputs: Omit<NewInboundEvent, 'numberId'>[]): Promise<{ inserted: boolean; id: string }[]> {
  if (inputs.length === 0) return [];
  const created = await db
    .insert(inboundEvents)
    .values(inputs.map((i) => ({ ...i, numberId })))
    .onConflictDoNothing()
    .returning({ id: inboundEvents.id, waMessageId: inboundEvents.waMessageId });
  const ids = new Map(created.map((r) => [r.waMessageId, r.id]));
  const claimed = new Set<string>();
  const missing = inputs.filter((i) => !ids.has(i.waMessageId)).map((i) => i.waMessageId);
  const existing = new Map<string, string>();
  if (missing.length) {
    const rows = await db
      .select({ id: inboundEvents.id, waMessageId: inboundEvents.waMessageId })
      .from(inboundEvents)
      .where(and(eq(inboundEvents.numberId, numberId), inArray(inboundEvents.waMessageId, missing)));
    for (const r of rows) existing.set(r.waMessageId, r.id);
  }
  return inputs.map((i) => {
    const id = ids.get(i.waMessageId);
    if (id && !claimed.has(i.waMessageId)) {
      claimed.add(i.waMessageId);
      return { inserted: true, id };
    }
    const other = id ?? existing.get(i.waMessageId);
    // Deleted between the insert and the read (a removed number): nothing to process.
    if (!other) throw new Error(`inbound event ${i.waMessageId} neither inserted nor found`);
    return { inserted: false, id: other };
  });
}
