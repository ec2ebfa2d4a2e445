// What the integrator routes share: a live number of the key's workspace (404 otherwise), the
// contact's open conversation on it, and the refusal to reach a contact who opted out.
import { and, eq, isNull } from 'drizzle-orm';
import { findOpenConversation, schema } from '@waflow/db';
import { type Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';

export async function liveNumber(deps: Deps, workspaceId: string, id: string) {
  const [n] = await deps.client.db
    .select({ id: schema.numbers.id })
    .from(schema.numbers)
    .where(
      and(
        eq(schema.numbers.id, id),
        eq(schema.numbers.workspaceId, workspaceId),
        isNull(schema.numbers.deletedAt),
        isNull(schema.numbers.pinnedVersionId),
      ),
    );
  if (!n) throw notFound('The number');
  return n;
}

/** The workspace's contact with this WhatsApp id (contacts are the workspace's, across numbers). */
async function contactOf(deps: Deps, numberId: string, waId: string) {
  const [contact] = await deps.client.db
    .select({ id: schema.contacts.id, optedOutAt: schema.contacts.optedOutAt })
    .from(schema.contacts)
    .innerJoin(schema.numbers, eq(schema.numbers.workspaceId, schema.contacts.workspaceId))
    .where(and(eq(schema.numbers.id, numberId), eq(schema.contacts.waId, waId)));
  return contact;
}

export async function openConversationId(
  deps: Deps,
  numberId: string,
  waId: string,
): Promise<string | null> {
  const contact = await contactOf(deps, numberId, waId);
  return contact
    ? ((await findOpenConversation(deps.client.db, numberId, contact.id))?.id ?? null)
    : null;
}

/** Refuses to message or start a flow for a contact who opted out (only they can opt back in). */
export async function refuseOptedOut(deps: Deps, numberId: string, waId: string): Promise<void> {
  const contact = await contactOf(deps, numberId, waId);
  if (contact?.optedOutAt)
    throw new AppError(
      409,
      'CONTACT_OPTED_OUT',
      'This contact opted out (they wrote an opt-out keyword such as STOP): nothing is sent to them until they write a start keyword.',
    );
}
