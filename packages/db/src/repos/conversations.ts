// Contacts and their conversations.
import { and, desc, eq, notInArray, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { contacts, conversations } from '../schema/index.ts';

export async function upsertContact(db: Database, input: { workspaceId: string; numberId: string; waId: string; name?: string | null }) {
  const [row] = await db
    .insert(contacts)
    .values({ ...input, name: input.name ?? null })
    .onConflictDoUpdate({ target: [contacts.numberId, contacts.waId], set: { name: sql`coalesce(excluded.name, ${contacts.name})` } })
    .returning();
  if (!row) throw new Error('contact upsert returned nothing');
  return row;
}

/** The contact's conversation still in progress on this number, if any. */
export async function findOpenConversation(db: Database, numberId: string, contactId: string) {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.numberId, numberId), eq(conversations.contactId, contactId), notInArray(conversations.status, ['completed', 'expired'])))
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  return row;
}

export async function createConversation(
  db: Database,
  input: { workspaceId: string; numberId: string; contactId: string; flowId: string | null; flowVersionId: string | null },
) {
  const [row] = await db.insert(conversations).values(input).returning();
  if (!row) throw new Error('conversation insert returned nothing');
  return row;
}
