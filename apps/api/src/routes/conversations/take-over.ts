// A person takes a conversation over (the inbox's take-over, a reply, an attachment): under the
// conversation's lock (the one a turn holds from claim to commit) and fenced by it, so a turn
// already under way commits first and the take-over follows it; a turn whose lock ran out is
// refused at its commit. The person always wins.
import { eq } from 'drizzle-orm';
import { withConversationLock } from '@waflow/coord';
import { handConversationToPerson, schema } from '@waflow/db';
import { audit } from '../../audit.ts';
import { conversationLocks, type Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import type { RouteFn } from '../../routing/route.ts';
import type { LoadedConversation } from './conversation-access.ts';
import { assignedToOther } from './inbox-views.ts';

export type RouteContext = Parameters<Parameters<RouteFn>[0]['handler']>[0];

export async function takeOverConversation(
  deps: Deps,
  c: RouteContext,
  conv: LoadedConversation,
): Promise<void> {
  const me = c.get('userId');
  const other = await assignedToOther(deps.client.db, conv, me);
  if (other) throw other;
  const coord = conversationLocks(deps);
  const outcome = await withConversationLock(coord, conv.numberId, conv.contact.waId, (lock) =>
    deps.client.db.transaction(async (tx) => {
      const r = await handConversationToPerson(tx, conv.id, {
        until: null,
        ...(lock ? { fence: lock.fence } : {}),
      });
      // Whoever takes it over handles it, unless it was already given to someone.
      if (r.kind === 'handed' && !conv.assignedTo)
        await tx
          .update(schema.conversations)
          .set({ assignedTo: me })
          .where(eq(schema.conversations.id, conv.id));
      if (r.kind === 'handed')
        await audit(c, tx, {
          action: 'conversation.handoff',
          entityType: 'conversation',
          entityId: conv.id,
          before: { status: r.before },
        });
      return r;
    }),
  );
  if (outcome.kind === 'missing') throw notFound('The conversation');
  if (outcome.kind === 'closed')
    throw new AppError(
      409,
      'CONVERSATION_CLOSED',
      'This conversation has ended: there is nothing to take over.',
    );
}

/** A person's message needs the conversation in their hands: taken over first when it is not. */
export async function inPersonsHands(
  deps: Deps,
  c: RouteContext,
  conv: LoadedConversation,
): Promise<void> {
  if (conv.status !== 'handoff' || conv.handoffUntil || conv.assignedTo !== c.get('userId'))
    await takeOverConversation(deps, c, conv);
}
