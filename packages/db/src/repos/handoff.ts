// A person takes a conversation from the bot: an admin's take-over in the inbox (until released)
// or a reply typed on the phone (for a while). Called under the conversation's lock with that
// lock's fence, it also raises the checkpoint's fence, so a turn that began before it (a holder
// whose lock has since expired) is refused at its commit (WF001) instead of writing the
// conversation back to the bot.
import { eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { conversationCheckpoints, conversations } from '../schema/index.ts';

type ConversationStatus = (typeof conversations.$inferSelect)['status'];

/**
 * A conversation's status as of now, for reads: a pause for a person (a reply from the phone)
 * whose time has passed reads as `waiting` — the bot answers the contact's next message, as after
 * a release. Derived on read rather than flipped by a timer: it matches, at every instant, what
 * the runtime decides when the next message comes (isPausedForPerson compares the same
 * handoff_until with the clock), with no loop to run and nothing to lag behind.
 */
export function conversationStatusNow(): SQL<ConversationStatus> {
  return sql<ConversationStatus>`(case when ${conversations.status} = 'handoff' and ${conversations.handoffUntil} <= now() then 'waiting' else ${conversations.status} end)`;
}

export type HandToPersonOutcome =
  { kind: 'handed'; before: ConversationStatus } | { kind: 'closed' } | { kind: 'missing' };

export async function handConversationToPerson(
  db: Database,
  conversationId: string,
  opts: { until: Date | null; fence?: number; at?: Date; keepTakeOver?: boolean },
): Promise<HandToPersonOutcome> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ status: conversations.status, handoffUntil: conversations.handoffUntil })
      .from(conversations)
      .where(eq(conversations.id, conversationId))
      .for('update');
    if (!row) return { kind: 'missing' };
    if (row.status === 'completed' || row.status === 'expired') return { kind: 'closed' };
    // A reply from the phone does not shorten an admin's take-over (which lasts until released).
    const takenOver = row.status === 'handoff' && row.handoffUntil === null;
    if (!(opts.keepTakeOver && takenOver)) {
      await tx
        .update(conversations)
        .set({
          status: 'handoff',
          handoffUntil: opts.until,
          ...(opts.until === null ? { handoffReason: null } : {}),
          ...(opts.at ? { lastActivityAt: opts.at } : {}),
        })
        .where(eq(conversations.id, conversationId));
    }
    if (opts.fence !== undefined) {
      await tx
        .update(conversationCheckpoints)
        .set({ fence: sql`greatest(${conversationCheckpoints.fence}, ${opts.fence})` })
        .where(eq(conversationCheckpoints.conversationId, conversationId));
    }
    return { kind: 'handed', before: row.status };
  });
}
