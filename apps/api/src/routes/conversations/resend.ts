// Resend a failed message from the inbox (editor or above): the same text goes out again through
// the message's own outbox row, with the outbox's pacing, retries and at-most-once guarantee.
// Only a failed message can be resent, so a double click queues it once (the second answers 409).
import { resendFailedMessage } from '@waflow/db';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import type { RouteFn } from '../../routing/route.ts';

export function registerResend(route: RouteFn, deps: Deps): void {
  route({
    method: 'post',
    path: '/api/v1/workspaces/:ws/conversations/:id/messages/:messageId/resend',
    access: 'conversations.reply',
    tag: 'Conversations',
    summary: 'Resend a failed message: the same text is queued again and goes out once',
    description:
      'Errors: 404 when the conversation has no such outbound message; 409 MESSAGE_NOT_FAILED when it is not failed (already resent, or sent), 409 MESSAGE_NOT_RESENDABLE when its send record is gone.',
    handler: async (c) => {
      const conversationId = c.req.param('id');
      const messageId = c.req.param('messageId');
      if (!isUuid(conversationId) || !isUuid(messageId)) throw notFound('The message');
      const workspaceId = c.get('workspaceId');
      await deps.client.db.transaction(async (tx) => {
        const r = await resendFailedMessage(tx, { workspaceId, conversationId, messageId });
        if (r.kind === 'missing') throw notFound('The message');
        if (r.kind === 'not_failed')
          throw new AppError(
            409,
            'MESSAGE_NOT_FAILED',
            `Only a failed message can be resent; this one is ${r.status} (nothing was queued).`,
          );
        if (r.kind === 'no_outbox')
          throw new AppError(
            409,
            'MESSAGE_NOT_RESENDABLE',
            'This message’s send record is gone: write it again as a reply.',
          );
        await audit(c, tx, {
          action: 'conversation.resend',
          entityType: 'conversation',
          entityId: conversationId,
          after: { messageId },
        });
      });
      return c.json({ messageId, status: 'pending' }, 202);
    },
  });
}
