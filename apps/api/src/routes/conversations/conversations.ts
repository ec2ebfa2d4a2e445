// Conversations: the inbox. List with filters, one conversation with its transcript and what it
// collected, take over (the bot stays quiet) and release (the flow carries on), manual reply.
import { randomUUID } from 'node:crypto';
import { and, desc, eq, ilike, or, type SQL } from 'drizzle-orm';
import { z } from 'zod/v4';
import { withConversationLock } from '@waflow/coord';
import {
  conversationStatusNow,
  insertInboundEvent,
  queueMessage,
  schema,
  transcript,
} from '@waflow/db';
import { audit } from '../../audit.ts';
import { conversationLocks, type Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { afterCursor, pageOf } from '../../routing/cursor.ts';
import { pageQuery, type RouteFn } from '../../routing/route.ts';
import { listColumns, messageView } from './views.ts';
import { loadConversation } from './conversation-access.ts';
import { inPersonsHands } from './take-over.ts';
import { blocksOf, checkBlock, releaseQuery } from './release-at.ts';
import { inboxView, unreadCount, viewFilter } from './inbox-views.ts';

const status = z.enum(['active', 'waiting', 'handoff', 'completed', 'expired']);
const listQuery = pageQuery.extend({
  status: status.optional(),
  numberId: z.string().uuid('numberId is a number’s id').optional(),
  flowId: z.string().uuid('flowId is a flow’s id').optional(),
  contactId: z.string().uuid('contactId is a contact’s id').optional(),
  q: z.string().trim().max(100).optional().describe('Matches the contact’s name or phone'),
  view: inboxView.optional(),
});
const replyBody = z.object({
  text: z
    .string()
    .trim()
    .min(1, 'type a message')
    .max(4096, 'WhatsApp messages are at most 4096 characters'),
});

export function registerConversations(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/conversations';
  const tag = 'Conversations';

  const load = (workspaceId: string, id: string | undefined) =>
    loadConversation(deps, workspaceId, id);

  route({
    method: 'get',
    path: base,
    access: 'conversations.list',
    tag,
    summary:
      'List conversations, most recent activity first, filtered by status, number, flow or contact',
    query: listQuery,
    handler: async (c, { query }) => {
      const where: (SQL | undefined)[] = [
        eq(schema.conversations.workspaceId, c.get('workspaceId')),
      ];
      if (query.status) where.push(eq(conversationStatusNow(), query.status));
      if (query.numberId) where.push(eq(schema.conversations.numberId, query.numberId));
      if (query.flowId) where.push(eq(schema.conversations.flowId, query.flowId));
      if (query.contactId) where.push(eq(schema.conversations.contactId, query.contactId));
      if (query.view) where.push(viewFilter(query.view, c.get('userId')));
      if (query.q) {
        const like = `%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
        where.push(or(ilike(schema.contacts.name, like), ilike(schema.contacts.waId, like)));
      }
      where.push(
        afterCursor(query.cursor, schema.conversations.lastActivityAt, schema.conversations.id),
      );
      const rows = await deps.client.db
        .select({ ...listColumns, unread: unreadCount(c.get('userId')) })
        .from(schema.conversations)
        .innerJoin(schema.contacts, eq(schema.contacts.id, schema.conversations.contactId))
        .where(and(...where))
        .orderBy(desc(schema.conversations.lastActivityAt), desc(schema.conversations.id))
        .limit(query.limit + 1);
      return c.json(pageOf(rows, query.limit, (r) => ({ at: r.lastActivityAt, id: r.id })));
    },
  });

  route({
    method: 'get',
    path: `${base}/:id`,
    access: 'conversations.get',
    tag,
    summary:
      'One conversation: the contact, the transcript (in and out, with delivery status) and the variables collected',
    handler: async (c) => {
      const conv = await load(c.get('workspaceId'), c.req.param('id'));
      const [messages, [result], [profile], blocks] = await Promise.all([
        transcript(deps.client.db, conv.id),
        deps.client.db
          .select({ status: schema.results.status, variables: schema.results.variables })
          .from(schema.results)
          .where(eq(schema.results.conversationId, conv.id)),
        // What the workspace knows about the contact, for the inbox's contact panel.
        deps.client.db
          .select({
            phone: schema.contacts.phone,
            tags: schema.contacts.tags,
            attributes: schema.contacts.attributes,
            optedOutAt: schema.contacts.optedOutAt,
          })
          .from(schema.contacts)
          .where(eq(schema.contacts.id, conv.contact.id)),
        blocksOf(deps.client.db, conv.flowVersionId),
      ]);
      return c.json({
        ...conv,
        contactProfile: profile ?? null,
        blocks,
        variables: result?.variables ?? {},
        resultStatus: result?.status ?? null,
        messages: messages.map(messageView),
      });
    },
  });

  route({
    method: 'post',
    path: `${base}/:id/handoff`,
    access: 'conversations.handoff',
    tag,
    summary: 'Take over: the bot stays quiet in this conversation until released',
    handler: async (c) => {
      const conv = await load(c.get('workspaceId'), c.req.param('id'));
      await inPersonsHands(deps, c, conv);
      return c.json({ id: conv.id, status: 'handoff' });
    },
  });

  route({
    method: 'post',
    path: `${base}/:id/release`,
    access: 'conversations.handoff',
    tag,
    summary:
      'Release: give the conversation back to the bot, which carries on after its handoff block (or at `nodeId`, a block of its flow)',
    query: releaseQuery,
    handler: async (c, { query }) => {
      const conv = await load(c.get('workspaceId'), c.req.param('id'));
      if (query.nodeId) await checkBlock(deps.client.db, conv.flowVersionId, query.nodeId);
      if (conv.status !== 'handoff')
        throw new AppError(
          409,
          'NOT_IN_HANDOFF',
          'The bot already has this conversation: there is nothing to release.',
        );
      const eventId = `release:${conv.id}:${randomUUID()}`;
      const payload = {
        kind: 'handoff_released' as const,
        conversationId: conv.id,
        ...(query.nodeId ? { nodeId: query.nodeId } : {}),
      };
      // Under the conversation's lock too: a status has one writer at a time.
      await withConversationLock(conversationLocks(deps), conv.numberId, conv.contact.waId, () =>
        deps.client.db.transaction(async (tx) => {
          await tx
            .update(schema.conversations)
            .set({ status: 'waiting', handoffUntil: null, handoffReason: null, assignedTo: null })
            .where(eq(schema.conversations.id, conv.id));
          // Persisted like any inbound event: the runtime that serves the number takes it up.
          await insertInboundEvent(tx, {
            numberId: conv.numberId,
            waMessageId: eventId,
            fromWaId: conv.contact.waId,
            kind: payload.kind,
            payload,
          });
          await audit(c, tx, {
            action: 'conversation.release',
            entityType: 'conversation',
            entityId: conv.id,
            before: { status: conv.status },
          });
        }),
      );
      // The embedded runtime handles it now rather than at its next sweep (submit is idempotent).
      await deps.runtime?.submit(conv.numberId, conv.contact.waId, eventId, payload);
      return c.json({ id: conv.id, status: 'waiting' });
    },
  });

  route({
    method: 'post',
    path: `${base}/:id/messages`,
    access: 'conversations.reply',
    tag,
    summary:
      'Reply as a person (the conversation is taken over first, so the bot does not talk over you)',
    body: replyBody,
    description:
      'Errors: 409 IDEMPOTENCY_KEY_REUSED when the Idempotency-Key was used for a reply with other text in this conversation.',
    headers: {
      'Idempotency-Key': {
        description:
          'Send the same key when retrying, so the message goes out once: a retry with the same text answers what the first did (header Idempotent-Replayed: true), other text is a 409',
      },
    },
    handler: async (c, { body }) => {
      const conv = await load(c.get('workspaceId'), c.req.param('id'));
      await inPersonsHands(deps, c, conv);
      const key = c.req.header('idempotency-key');
      const queued = await deps.client.db.transaction(async (tx) => {
        // The conversation's row first, then the transcript line: the order the runtime's commit
        // locks them in (the line's inbox event locks the workspace's event counter), so the two
        // cannot deadlock.
        await tx
          .update(schema.conversations)
          .set({ lastActivityAt: new Date() })
          .where(eq(schema.conversations.id, conv.id));
        const r = await queueMessage(tx, {
          workspaceId: c.get('workspaceId'),
          numberId: conv.numberId,
          conversationId: conv.id,
          to: conv.contact.waId,
          text: body.text,
          author: 'agent',
          idempotencyKey: `agent:${conv.id}:${key ?? randomUUID()}`,
        });
        // Queued before under this key: a retry of that reply, or the key reused for another one.
        if (!r.queued && r.text !== body.text) {
          throw new AppError(
            409,
            'IDEMPOTENCY_KEY_REUSED',
            'This Idempotency-Key was used for a reply with other text: use a new key for a new reply (nothing was sent).',
          );
        }
        if (r.queued)
          await audit(c, tx, {
            action: 'conversation.reply',
            entityType: 'conversation',
            entityId: conv.id,
            after: { messageId: r.messageId },
          });
        return r;
      });
      if (!queued.queued) c.header('Idempotent-Replayed', 'true');
      return c.json({ messageId: queued.messageId, queued: queued.queued }, 202);
    },
  });
}
