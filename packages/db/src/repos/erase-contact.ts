// Erasing a contact on request (the right to erasure): a contact is the workspace's, across its
// numbers, so each number's part goes under that number's conversation lock (no turn of theirs
// is half-way while their rows go), each in one transaction (eraseFromNumber).
import { withConversationLock, type Coordinator } from '@waflow/coord';
import { sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import * as schema from '../schema/index.ts';
import { executeRows } from '../sql-rows.ts';
import { eraseFromNumber, findContact, type ErasedContact } from './retention.ts';

export type ErasedCounts = Omit<ErasedContact, 'contactId' | 'numberId' | 'waId'>;

/**
 * Erases one contact of the workspace on every number (undefined when it is not one of its
 * contacts). Answers what went.
 */
export async function eraseContactData(
  db: Database,
  coord: Coordinator | undefined,
  workspaceId: string,
  contactId: string,
): Promise<({ contactId: string; waId: string } & ErasedCounts) | undefined> {
  const contact = await findContact(db, workspaceId, contactId);
  if (!contact) return undefined;
  const { deleted } = await eraseWhatsAppId(db, coord, workspaceId, contact.waId);
  // A contact no number has heard from (imported, or the workspace has no number left) has no
  // number's erasure to go with: it goes on its own.
  await db.execute(
    sql`delete from ${schema.contacts} where id = ${contact.id} and workspace_id = ${workspaceId}`,
  );
  return { contactId: contact.id, waId: contact.waId, ...deleted };
}

/**
 * Erases a person by their WhatsApp id on every number of the workspace (an integrator's erasure
 * request names a phone, not a contact): per number under its lock. Answers how many contacts
 * were erased and what went; nothing found is `contacts: 0` with every count 0.
 */
export async function eraseWhatsAppId(
  db: Database,
  coord: Coordinator | undefined,
  workspaceId: string,
  waId: string,
): Promise<{ contacts: number; deleted: ErasedCounts }> {
  const numbers = await executeRows<{ id: string }>(
    db,
    sql`select id from ${schema.numbers} where workspace_id = ${workspaceId} order by created_at, id`,
  );
  const deleted: ErasedCounts = {
    conversations: 0,
    messages: 0,
    results: 0,
    inboundEvents: 0,
    webhookDeliveries: 0,
  };
  let contacts = 0;
  for (const n of numbers) {
    const r = await withConversationLock(coord, n.id, waId, () =>
      eraseFromNumber(db, workspaceId, n.id, waId),
    );
    if (r.contactId) contacts++;
    for (const k of Object.keys(deleted) as (keyof ErasedCounts)[]) deleted[k] += r[k];
  }
  return { contacts, deleted };
}
