// How the inbox divides conversations among the team: the views (Mine, Unassigned, Handed off,
// Bot, All), each member's unread count from their read marker, and the rule that a person does
// not reply over a colleague who has the conversation.
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod/v4';
import { conversationStatusNow, schema, type Database } from '@waflow/db';
import { AppError } from '../../errors.ts';

export const inboxView = z
  .enum(['mine', 'unassigned', 'handoff', 'bot', 'all'])
  .describe(
    'mine: assigned to you; unassigned: with a person and nobody assigned; handoff: with a person; bot: the bot has it; all',
  );
export type InboxView = z.infer<typeof inboxView>;

export function viewFilter(view: InboxView, userId: string): SQL | undefined {
  const status = conversationStatusNow();
  switch (view) {
    case 'mine':
      return eq(schema.conversations.assignedTo, userId);
    case 'unassigned':
      return and(eq(status, 'handoff'), isNull(schema.conversations.assignedTo));
    case 'handoff':
      return eq(status, 'handoff');
    case 'bot':
      return inArray(status, ['active', 'waiting']);
    case 'all':
      return undefined;
    default: {
      const never: never = view;
      throw new Error(`unknown view ${String(never)}`);
    }
  }
}

/** Messages from the contact the member has not read (newer than their read marker). */
export function unreadCount(userId: string): SQL<number> {
  return sql<number>`(select count(*)::int from ${schema.messages} m
    where m.conversation_id = ${schema.conversations.id} and m.direction = 'in'
      and m.created_at > coalesce((select r.read_at from ${schema.conversationReads} r
        where r.conversation_id = ${schema.conversations.id} and r.user_id = ${userId}), '-infinity'))`;
}

/** The refusal when a colleague has this conversation (taken over and assigned to them). */
export async function assignedToOther(
  db: Database,
  conv: { status: string; assignedTo: string | null },
  userId: string,
): Promise<AppError | undefined> {
  if (conv.status !== 'handoff' || !conv.assignedTo || conv.assignedTo === userId) return;
  const [who] = await db
    .select({ name: schema.users.name })
    .from(schema.users)
    .where(eq(schema.users.id, conv.assignedTo));
  return new AppError(
    409,
    'ASSIGNED_TO_OTHER',
    `${who?.name ?? 'A colleague'} has this conversation: ask them, or assign it to yourself first.`,
  );
}
