// Inbound events are persisted before anything else happens to them; the unique
// (number, WhatsApp message id) is where duplicates stop.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { statement } from '../sql-rows.ts';
import { inboundEvents } from '../schema/index.ts';

export type NewInboundEvent = {
  numberId: string;
  waMessageId: string;
  fromWaId: string;
  payload: unknown;
  kind?: string;
};

/**
 * Inserts the event unless one with the same (number, WhatsApp message id) exists. Returns the id
 * of the row either way, and whether this call created it.
 */
export async function insertInboundEvent(
  db: Database,
  input: NewInboundEvent,
): Promise<{ inserted: boolean; id: string }> {
  // Two rounds: the conflicting row could be deleted between the insert and the read.
  for (let round = 0; round < 2; round++) {
    const [row] = await db
      .insert(inboundEvents)
      .values(input)
      .onConflictDoNothing()
      .returning({ id: inboundEvents.id });
    if (row) return { inserted: true, id: row.id };
    const [existing] = await db
      .select({ id: inboundEvents.id })
      .from(inboundEvents)
      .where(
        and(
          eq(inboundEvents.numberId, input.numberId),
          eq(inboundEvents.waMessageId, input.waMessageId),
        ),
      );
    if (existing) return { inserted: false, id: existing.id };
  }
  throw new Error(`inbound event ${input.waMessageId} neither inserted nor found`);
}

// Rows in the given order, so that `seq` (the arrival order) follows it.
const insertStatement = statement<{ numberId: string; rows: string }>(sql`
  insert into ${inboundEvents} (number_id, wa_message_id, from_wa_id, kind, payload)
  select ${sql.placeholder('numberId')}::uuid, i.wa_message_id, i.from_wa_id, coalesce(i.kind, 'message'), i.payload
  from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as i(wa_message_id text, from_wa_id text, kind text, payload jsonb, n int)
  order by i.n
  on conflict do nothing
  returning id, wa_message_id`);

/**
 * Inserts several events of one number in one statement, in the given order (their `seq` follows
 * it), skipping those that exist. Returns, per input, the row's id and whether this call created
 * it (a message id given twice is created by its first occurrence).
 */
export async function insertInboundEvents(
  db: Database,
  numberId: string,
  inputs: Omit<NewInboundEvent, 'numberId'>[],
): Promise<{ inserted: boolean; id: string }[]> {
  if (inputs.length === 0) return [];
  const created = await insertStatement.rows<{ id: string; wa_message_id: string }>(db, {
    numberId,
    rows: JSON.stringify(
      inputs.map((i, n) => ({
        wa_message_id: i.waMessageId,
        from_wa_id: i.fromWaId,
        kind: i.kind ?? null,
        payload: i.payload,
        n,
      })),
    ),
  });
  const ids = new Map(created.map((r) => [r.wa_message_id, r.id]));
  const claimed = new Set<string>();
  const missing = inputs.filter((i) => !ids.has(i.waMessageId)).map((i) => i.waMessageId);
  const existing = new Map<string, string>();
  if (missing.length) {
    const rows = await db
      .select({ id: inboundEvents.id, waMessageId: inboundEvents.waMessageId })
      .from(inboundEvents)
      .where(
        and(eq(inboundEvents.numberId, numberId), inArray(inboundEvents.waMessageId, missing)),
      );
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

/**
 * When the contact last wrote to the number (their last persisted message), for the Cloud API's
 * 24-hour customer-service window; undefined when they never did (or it has been purged).
 */
export async function lastInboundAt(
  db: Database,
  numberId: string,
  fromWaId: string,
): Promise<Date | undefined> {
  const [row] = await db
    .select({ at: inboundEvents.receivedAt })
    .from(inboundEvents)
    .where(
      and(
        eq(inboundEvents.numberId, numberId),
        eq(inboundEvents.fromWaId, fromWaId),
        eq(inboundEvents.kind, 'message'),
      ),
    )
    .orderBy(desc(inboundEvents.receivedAt))
    .limit(1);
  return row?.at;
}
