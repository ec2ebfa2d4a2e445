// Erasing a contact on request (the right to erasure): under the contact's conversation lock, so
// no turn of theirs is half-way while their rows go, then everything kept about them is deleted
// in one transaction (eraseFromNumber).
import { withConversationLock, type Coordinator } from '@waflow/coord';
import { sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import * as schema from '../schema/index.ts';
import { executeRows } from '../sql-rows.ts';
import { eraseFromNumber, findContact, type ErasedContact } from './retention.ts';

/** Erases one contact of the workspace (undefined when it is not one of its contacts). */
export async function eraseContactData(
  db: Database,
  coord: Coordinator | undefined,
  workspaceId: string,
  contactId: string,
): Promise<ErasedContact | undefined> {
  const contact = await findContact(db, workspaceId, contactId);
  if (!contact) return undefined;
  return withConversationLock(coord, contact.numberId, contact.waId, () =>
    eraseFromNumber(db, workspaceId, contact.numberId, contact.waId),
  );
}

export type ErasedCounts = Omit<ErasedContact, 'contactId' | 'numberId' | 'waId'>;

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
    sql`select id from ${schema.numbers} where workspace_id = ${workspaceId}`,
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
