// POST /integrations/messages: a message from the integrator to a contact, through the outbox.
import { z } from 'zod/v4';
import { queueMessage } from '@waflow/db';
import { audit } from '../../audit.ts';
import { type Deps } from '../../context.ts';
import { takeDestination } from '../../middleware/integrator-limits.ts';
import { type RouteFn } from '../../routing/route.ts';
import { sendBody, IDEMPOTENCY_NOTE, idempotencyHeader } from './schema.ts';
import { idempotent } from './idempotency.ts';
import { liveNumber, openConversationId, refuseOptedOut } from './integration-access.ts';

export function registerSendMessage(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/integrations';
  const tag = 'Integrations';

  route({
    method: 'post',
    path: `${base}/messages`,
    access: 'apiKey',
    tag,
    summary: 'Send a text message from a number (paced and retried like the bot’s own replies)',
    description:
      'Errors: 404 NOT_FOUND (number not in this key’s workspace), 409 CONTACT_OPTED_OUT (they wrote an opt-out keyword), IDEMPOTENCY_KEY_REUSED, REQUEST_IN_PROGRESS; 429 with Retry-After: RATE_LIMITED (this key), WORKSPACE_RATE_LIMITED (all the workspace’s keys), DESTINATION_RATE_LIMITED (messages and starts to this phone). ' +
      IDEMPOTENCY_NOTE,
    body: sendBody,
    headers: idempotencyHeader,
    responses: [
      {
        status: 202,
        description: 'Queued',
        schema: z.object({ messageId: z.string(), status: z.literal('queued') }),
      },
    ],
    handler: async (c, { body }) =>
      idempotent(c, deps, body, async (operationId) => {
        const ws = c.get('workspaceId');
        const number = await liveNumber(deps, ws, body.numberId);
        const to = `${body.to}@c.us`;
        await refuseOptedOut(deps, number.id, to);
        const conversationId = await openConversationId(deps, number.id, to);
        takeDestination(c, deps, body.to);
        const r = await deps.client.db.transaction(async (tx) => {
          const outboxKey = `api:${operationId}`;
          const q = await queueMessage(tx, {
            workspaceId: ws,
            numberId: number.id,
            conversationId,
            to,
            text: body.text,
            author: 'integrator',
            idempotencyKey: outboxKey,
          });
          // Queued by an earlier attempt that died before answering: answer with that message.
          if (!q.queued) return { messageId: q.messageId };
          await audit(c, tx, {
            action: 'integration.message',
            entityType: 'number',
            entityId: number.id,
            after: { to, messageId: q.messageId },
          });
          return q;
        });
        return { status: 202, body: { messageId: r.messageId, status: 'queued' } };
      }),
  });
}
