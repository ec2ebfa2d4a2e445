// Erasing a contact on request (the right to erasure): under the contact's conversation lock, so
// no turn of theirs is half-way while their rows go, then everything kept about them is deleted
// in one transaction (eraseContact in @waflow/db).
import type { Coordinator } from '@waflow/coord';
import { eraseContact, findContact, type Database, type ErasedContact } from '@waflow/db';
import { lockKey } from '../pipeline/process-event.ts';

export async function eraseContactData(db: Database, coord: Coordinator | undefined, workspaceId: string, contactId: string): Promise<ErasedContact | undefined> {
  const contact = await findContact(db, workspaceId, contactId);
  if (!contact) return undefined;
  const erase = () => eraseContact(db, workspaceId, contactId);
  return coord ? coord.withLock(lockKey(contact.numberId, contact.waId), erase) : erase();
}
