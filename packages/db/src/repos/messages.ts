// The transcript: inbound and outbound messages.
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { messages } from '../schema/index.ts';

export type NewMessage = typeof messages.$inferInsert;

export async function insertMessage(db: Database, input: NewMessage) {
  const [row] = await db.insert(messages).values(input).onConflictDoNothing().returning();
  return row;
}

export async function transcript(db: Database, conversationId: string) {
  return db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.seq));
}
