// Contacts and their conversations.
import { and, desc, eq, notInArray, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { contacts, conversations } from '../schema/index.ts';
import { phoneFromWaId } from './contact-phone.ts';

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
 * the same moment). Contacts are per workspace: the number is the one they first wrote to, kept
 * when they write to another. Answers per input, in order (the same contact twice gets one row).
 */
export async function upsertContacts(
  db: Database,
  inputs: readonly { workspaceId: string; numberId: string; waId: string; name?: string | null }[],
) {
  if (inputs.length === 0) return [];
  const key = (i: { workspaceId: string; waId: string }) => `${i.workspaceId}\u0000${i.waId}`;
  const unique = [...new Map(inputs.map((i) => [key(i), i])).values()];
  const rows = await db
    .insert(contacts)
    .values(
      unique.map((i) => ({ ...i, name: i.name ?? null, phone: phoneFromWaId(i.waId) ?? null })),
    )
    .onConflictDoUpdate({
      target: [contacts.workspaceId, contacts.waId],
      set: { name: sql`coalesce(excluded.name, ${contacts.name})` },
    })
    .returning();
  const byKey = new Map(rows.map((r) => [key(r), r]));
  return inputs.map((i) => {
    const row = byKey.get(key(i));
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
