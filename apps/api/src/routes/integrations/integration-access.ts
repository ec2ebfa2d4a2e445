// What the integrator routes share: a live number of the key's workspace (404 otherwise), and
// the contact's open conversation on it.
import { and, eq, isNull } from 'drizzle-orm';
import { findOpenConversation, schema } from '@waflow/db';
import { type Deps } from '../../context.ts';
import { notFound } from '../../errors.ts';

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

export async function openConversationId(
  deps: Deps,
  numberId: string,
  waId: string,
): Promise<string | null> {
  const [contact] = await deps.client.db
    .select({ id: schema.contacts.id })
    .from(schema.contacts)
    .where(and(eq(schema.contacts.numberId, numberId), eq(schema.contacts.waId, waId)));
  return contact
    ? ((await findOpenConversation(deps.client.db, numberId, contact.id))?.id ?? null)
    : null;
}
