// POST /integrations/flows/:flowId/start: the one way the bot may open a conversation — a
// published flow with an API trigger, for a contact, with initial values; persisted, then run.
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod/v4';
import { insertInboundEvent, schema } from '@waflow/db';
import { audit } from '../../audit.ts';
import { type Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import { takeDestination } from '../../middleware/integrator-limits.ts';
import { type RouteFn } from '../../routing/route.ts';
import { startBody, hasApiTrigger, IDEMPOTENCY_NOTE, idempotencyHeader } from './schema.ts';
import { idempotent } from './idempotency.ts';
import { liveNumber, openConversationId, refuseOptedOut } from './integration-access.ts';

export function registerStartFlow(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/integrations';
  const tag = 'Integrations';

  route({
    method: 'post',
    path: `${base}/flows/:flowId/start`,
    access: 'apiKey',
    tag,
    summary:
      'Start a published flow (one with an API trigger) for a contact, with initial values for its declared variables; 409 when the contact is already in a conversation on that number',
    description:
      'The conversation runs on the runtime serving the number; follow it with the conversation.started and conversation.completed webhooks, or read it at /api/v1/integrations/conversations/{id}. ' +
      'Errors: 404 NOT_FOUND (flow or number not in this key’s workspace), 409 FLOW_NOT_PUBLISHED, FLOW_HAS_NO_API_TRIGGER, CONVERSATION_IN_PROGRESS, CONTACT_OPTED_OUT (details.conversationId), IDEMPOTENCY_KEY_REUSED, REQUEST_IN_PROGRESS; 429 with Retry-After: RATE_LIMITED (this key), WORKSPACE_RATE_LIMITED (all the workspace’s keys), DESTINATION_RATE_LIMITED (messages and starts to this phone). ' +
      IDEMPOTENCY_NOTE,
    body: startBody,
    headers: idempotencyHeader,
    responses: [
      {
        status: 202,
        description: 'Accepted: persisted, the runtime serving the number runs it',
        schema: z.object({
          eventId: z.string(),
          contact: z.string(),
          status: z.literal('accepted'),
        }),
      },
    ],
    handler: async (c, { body }) =>
      idempotent(c, deps, body, async (operationId) => {
        const ws = c.get('workspaceId');
        const flowId = c.req.param('flowId');
        if (!isUuid(flowId)) throw notFound('The flow');
        const [flow] = await deps.client.db
          .select({ id: schema.flows.id, publishedVersionId: schema.flows.publishedVersionId })
          .from(schema.flows)
          .where(
            and(
              eq(schema.flows.id, flowId),
              eq(schema.flows.workspaceId, ws),
              isNull(schema.flows.deletedAt),
            ),
          );
        if (!flow) throw notFound('The flow');
        if (!flow.publishedVersionId)
          throw new AppError(
            409,
            'FLOW_NOT_PUBLISHED',
            'This flow has no published version yet: publish it in the builder first.',
          );
        const [version] = await deps.client.db
          .select({ config: schema.flowVersions.config })
          .from(schema.flowVersions)
          .where(eq(schema.flowVersions.id, flow.publishedVersionId));
        if (!hasApiTrigger(version?.config))
          throw new AppError(
            409,
            'FLOW_HAS_NO_API_TRIGGER',
            'The published flow has no "Started by the API" trigger: add one in the builder and publish again.',
          );
        const number = await liveNumber(deps, ws, body.numberId);
        const waId = `${body.contact.phone}@c.us`;
        const eventId = `api:${operationId}`;
        // Persisted by an earlier attempt that died before answering: that start stands.
        const [earlier] = await deps.client.db
          .select({ id: schema.inboundEvents.id })
          .from(schema.inboundEvents)
          .where(
            and(
              eq(schema.inboundEvents.numberId, number.id),
              eq(schema.inboundEvents.waMessageId, eventId),
            ),
          );
        if (earlier) return { status: 202, body: { eventId, contact: waId, status: 'accepted' } };
        await refuseOptedOut(deps, number.id, waId);
        const open = await openConversationId(deps, number.id, waId);
        if (open)
          throw new AppError(
            409,
            'CONVERSATION_IN_PROGRESS',
            'This contact is in a conversation on this number: wait until it ends, or read it at /api/v1/integrations/conversations/{id}.',
            { conversationId: open },
          );
        const payload = {
          kind: 'api_start' as const,
          flowId: flow.id,
          variables: body.variables,
          contact: {
            phone: body.contact.phone,
            ...(body.contact.name ? { name: body.contact.name } : {}),
          },
        };
        takeDestination(c, deps, body.contact.phone);
        // Persisted first, with its audit row; the runtime serving the number runs it (at once when
        // embedded, else when it next polls), through the same pipeline as a contact's message.
        await deps.client.db.transaction(async (tx) => {
          await insertInboundEvent(tx, {
            numberId: number.id,
            waMessageId: eventId,
            fromWaId: waId,
            kind: payload.kind,
            payload,
          });
          await audit(c, tx, {
            action: 'integration.start',
            entityType: 'flow',
            entityId: flow.id,
            after: { numberId: number.id, contact: waId, eventId },
          });
        });
        // Persisted means accepted: should the hand-off fail, the runtime's recovery poll runs it.
        await deps.runtime
          ?.submit(number.id, waId, eventId, payload)
          .catch((err: unknown) =>
            c
              .get('log')
              .warn(
                { err, numberId: number.id },
                'api start hand-off to the runtime failed; recovery will run it',
              ),
          );
        return { status: 202, body: { eventId, contact: waId, status: 'accepted' } };
      }),
  });
}
