// What an agent does in the inbox besides replying: assign a conversation to a member (or to
// nobody), mark it read (their own unread count), leave an internal note (a transcript line that
// is never sent), and end it. Each change is an inbox event (migration 0015's triggers).
import { and, count, eq, gt, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import { z } from 'zod/v4';
import { withConversationLock } from '@waflow/coord';
import { conversationStatusNow, schema } from '@waflow/db';
import { audit } from '../../audit.ts';
import { conversationLocks, type Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { RouteFn } from '../../routing/route.ts';
import { loadConversation } from './conversation-access.ts';
import { unreadCount } from './inbox-views.ts';

const assignBody = z.object({
  userId: z
    .string()
    .uuid('userId is a member’s id (from the team list), or null to unassign')
    .nullable(),
});
const noteBody = z.object({
  text: z.string().trim().min(1, 'type a note').max(4096, 'a note is at most 4096 characters'),
});

export function registerAgentTools(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/conversations';
  const tag = 'Conversations';

  route({
    method: 'post',
    path: `${base}/:id/assign`,
    access: 'conversations.assign',
    tag,
    summary: 'Assign the conversation to a member of the workspace, or to nobody (`userId: null`)',
    body: assignBody,
    handler: async (c, { body }) => {
      const ws = c.get('workspaceId');
      const conv = await loadConversation(deps, ws, c.req.param('id'));
      if (body.userId) {
        const [member] = await deps.client.db
          .select({ userId: schema.memberships.userId })
          .from(schema.memberships)
          .where(
            and(eq(schema.memberships.workspaceId, ws), eq(schema.memberships.userId, body.userId)),
          );
        if (!member)
          throw new AppError(
            422,
            'NOT_A_MEMBER',
            'That person is not a member of this workspace: pick someone from the team list.',
          );
      }
      await deps.client.db.transaction(async (tx) => {
        await tx
          .update(schema.conversations)
          .set({ assignedTo: body.userId })
          .where(eq(schema.conversations.id, conv.id));
        await audit(c, tx, {
          action: 'conversation.assign',
          entityType: 'conversation',
          entityId: conv.id,
          before: { assignedTo: conv.assignedTo },
          after: { assignedTo: body.userId },
        });
      });
      return c.json({ id: conv.id, assignedTo: body.userId });
    },
  });

  route({
    method: 'post',
    path: `${base}/:id/read`,
    access: 'conversations.get',
    tag,
    summary: 'Mark the conversation read for you: its messages so far no longer count as unread',
    handler: async (c) => {
      const conv = await loadConversation(deps, c.get('workspaceId'), c.req.param('id'));
      const userId = c.get('userId');
      await deps.client.db
        .insert(schema.conversationReads)
        .values({ conversationId: conv.id, userId, readAt: sql`now()` })
        .onConflictDoUpdate({
          target: [schema.conversationReads.conversationId, schema.conversationReads.userId],
          set: { readAt: sql`now()` },
        });
      return c.json({ id: conv.id, unread: 0 });
    },
  });

  route({
    method: 'get',
    path: `${base}/unread`,
    access: 'conversations.list',
    tag,
    summary:
      'How many open conversations have messages you have not read, and how many of them are with a person and nobody assigned',
    handler: async (c) => {
      const open = and(
        eq(schema.conversations.workspaceId, c.get('workspaceId')),
        notInArray(conversationStatusNow(), ['completed', 'expired']),
        gt(unreadCount(c.get('userId')), 0),
      );
      const [all] = await deps.client.db
        .select({ n: count() })
        .from(schema.conversations)
        .where(open);
      const [waiting] = await deps.client.db
        .select({ n: count() })
        .from(schema.conversations)
        .where(
          and(
            open,
            inArray(conversationStatusNow(), ['handoff']),
            isNull(schema.conversations.assignedTo),
          ),
        );
      return c.json({ conversations: all?.n ?? 0, unassigned: waiting?.n ?? 0 });
    },
  });

  route({
    method: 'post',
    path: `${base}/:id/notes`,
    access: 'conversations.note',
    tag,
    summary: 'An internal note for the team: shown in the transcript, never sent to the contact',
    body: noteBody,
    handler: async (c, { body }) => {
      const ws = c.get('workspaceId');
      const conv = await loadConversation(deps, ws, c.req.param('id'));
      const [row] = await deps.client.db
        .insert(schema.messages)
        .values({
          workspaceId: ws,
          numberId: conv.numberId,
          conversationId: conv.id,
          direction: 'out',
          type: 'note',
          author: 'note',
          userId: c.get('userId'),
          body: body.text,
          status: 'sent',
        })
        .returning({ id: schema.messages.id });
      return c.json({ messageId: row?.id }, 201);
    },
  });

  route({
    method: 'post',
    path: `${base}/:id/end`,
    access: 'conversations.handoff',
    tag,
    summary:
      'End the conversation: the bot does not carry on, the contact’s next message starts a new one',
    handler: async (c) => {
      const conv = await loadConversation(deps, c.get('workspaceId'), c.req.param('id'));
      if (conv.status === 'completed' || conv.status === 'expired')
        throw new AppError(409, 'CONVERSATION_CLOSED', 'This conversation has already ended.');
      await withConversationLock(conversationLocks(deps), conv.numberId, conv.contact.waId, () =>
        deps.client.db.transaction(async (tx) => {
          await tx
            .update(schema.conversations)
            .set({ status: 'completed', handoffUntil: null, handoffReason: null })
            .where(eq(schema.conversations.id, conv.id));
          await tx
            .update(schema.timers)
            .set({ cancelledAt: sql`now()` })
            .where(
              and(
                eq(schema.timers.conversationId, conv.id),
                isNull(schema.timers.firedAt),
                isNull(schema.timers.cancelledAt),
              ),
            );
          await audit(c, tx, {
            action: 'conversation.end',
            entityType: 'conversation',
            entityId: conv.id,
            before: { status: conv.status },
          });
        }),
      );
      return c.json({ id: conv.id, status: 'completed' });
    },
  });
}
