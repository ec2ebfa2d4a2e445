// Conversation checkpoints: the state the engine resumes from after a restart, fenced by the
// lock's token so a holder whose lock expired cannot overwrite a newer state.
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { conversationCheckpoints } from '../schema/index.ts';

/**
 * Writes a conversation's state if `fence` is not older than the stored one (a stale lock holder
 * cannot overwrite a newer checkpoint). Returns false when refused.
 */
export async function writeCheckpoint(db: Database, conversationId: string, state: unknown, fence: number): Promise<boolean> {
  const rows = await db
    .insert(conversationCheckpoints)
    .values({ conversationId, state, fence, updatedAt: new Date() })
    .onConflictDoUpdate({
      target: conversationCheckpoints.conversationId,
      set: { state: sql`excluded.state`, fence: sql`excluded.fence`, updatedAt: sql`excluded.updated_at` },
      setWhere: sql`${conversationCheckpoints.fence} <= excluded.fence`,
    })
    .returning({ fence: conversationCheckpoints.fence });
  return rows.length === 1;
}

export async function readCheckpoint(db: Database, conversationId: string) {
  const [row] = await db.select().from(conversationCheckpoints).where(eq(conversationCheckpoints.conversationId, conversationId));
  return row;
}
