// Contacts and their conversations.
import { and, desc, eq, notInArray, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { contacts, conversations } from '../schema/index.ts';

export async function upsertContact(
  db: Database,
  input: { workspaceId: string; numberId: string; waId: string; name?: string | null },
) {
  const [row] = await upsertContacts(db, [input]);
  if (!row) throw new Error('contact upsert returned nothing');
  return row;
}

/**
 * Several contacts in one statement (the runtime batches the contacts starting conversations at
 * the same moment). Answers per input, in order. The same contact twice in one call is refused by
 * Postgres; callers send each contact once.
 */
export async function upsertContacts(
  db: Database,
  inputs: readonly { workspaceId: string; numberId: string; waId: string; name?: string | null }[],
) {
  if (inputs.length === 0) return [];
  const rows = await db
    .insert(contacts)
    .values(inputs.map((i) => ({ ...i, name: i.name ?? null })))
    .onConflictDoUpdate({
      target: [contacts.numberId, contacts.waId],
      set: { name: sql`coalesce(excluded.name, ${contacts.name})` },
    })
    .returning();
  const byKey = new Map(rows.map((r) => [`${r.numberId}\u0000${r.waId}`, r]));
  return inputs.map((i) => {
    const row = byKey.get(`${i.numberId}\u0000${i.waId}`);
    if (!row) throw new Error('contact upsert returned nothing');
    return row;
  });
}

/** The contact's conversation still in progress on this number, if any. */
export async function findOpenConversation(db: Database, numberId: string, contactId: string) {
  const [row] = await db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.numberId, numberId),
        eq(conversations.contactId, contactId),
        notInArray(conversations.status, ['completed', 'expired']),
      ),
    )
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  return row;
}

export async function createConversation(
  db: Database,
  input: {
    workspaceId: string;
    numberId: string;
    contactId: string;
    flowId: string | null;
    flowVersionId: string | null;
  },
) {
  const [row] = await db.insert(conversations).values(input).returning();
  if (!row) throw new Error('conversation insert returned nothing');
  return row;
}
