// Webhook deliveries: send a test event, read an endpoint's delivery log with every attempt,
// replay one delivery, and recover every failed delivery since a time.
import { randomUUID } from 'node:crypto';
import { and, desc, eq, gte, inArray } from 'drizzle-orm';
import { z } from 'zod/v4';
import { schema } from '@waflow/db';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import { afterCursor, pageOf } from '../../routing/cursor.ts';
import { page, pageQuery, type RouteFn } from '../../routing/route.ts';
import { recoverBody, deliveryView } from './schema.ts';
import { loadEndpoint } from './endpoint-access.ts';

export function registerWebhookDeliveries(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/webhooks';
  const tag = 'Webhooks';

  route({
    method: 'post',
    path: `${base}/:id/test`,
    access: 'webhooks.test',
    tag,
    summary: 'Send a webhook.test event to this endpoint only, now (see it in the delivery log)',
    responses: [
      {
        status: 202,
        description: 'Queued',
        schema: z.object({ deliveryId: z.string(), eventId: z.string() }),
      },
    ],
    handler: async (c) => {
      const e = await loadEndpoint(deps, c.get('workspaceId'), c.req.param('id'));
      if (!e.enabled)
        throw new AppError(409, 'ENDPOINT_DISABLED', 'This endpoint is disabled: enable it first.');
      const eventId = `evt_test_${randomUUID()}`;
      const now = new Date();
      const [row] = await deps.client.db
        .insert(schema.webhookDeliveries)
        .values({
          endpointId: e.id,
          eventId,
          eventType: 'webhook.test',
          payload: {
            id: eventId,
            type: 'webhook.test',
            timestamp: now.toISOString(),
            data: { message: 'A test event from waflow.' },
          },
          nextAttemptAt: now,
        })
        .returning({ id: schema.webhookDeliveries.id });
      await audit(c, deps.client.db, {
        action: 'webhook.test',
        entityType: 'webhook',
        entityId: e.id,
        after: { deliveryId: row?.id, eventId },
      });
      return c.json({ deliveryId: row?.id, eventId }, 202);
    },
  });

  route({
    method: 'get',
    path: `${base}/:id/deliveries`,
    access: 'webhooks.deliveries',
    tag,
    summary:
      'The delivery log, newest first, each with its attempts (status code, latency, response body truncated)',
    query: pageQuery.extend({
      status: z.enum(['pending', 'delivering', 'delivered', 'failed']).optional(),
    }),
    responses: [{ status: 200, description: 'A page of deliveries', schema: page(deliveryView) }],
    handler: async (c, { query }) => {
      const e = await loadEndpoint(deps, c.get('workspaceId'), c.req.param('id'));
      const d = schema.webhookDeliveries;
      // One snapshot for the deliveries and their attempts: an attempt the deliverer records while
      // this reads must not show beside its delivery's state from before it.
      const { pageRows, attempts } = await deps.client.db.transaction(
        async (tx) => {
          const rows = await tx
            .select({
              id: d.id,
              eventId: d.eventId,
              eventType: d.eventType,
              status: d.status,
              attempts: d.attempts,
              lastResponseCode: d.lastResponseCode,
              lastError: d.lastError,
              nextAttemptAt: d.nextAttemptAt,
              createdAt: d.createdAt,
              deliveredAt: d.deliveredAt,
              payload: d.payload,
            })
            .from(d)
            .where(
              and(
                eq(d.endpointId, e.id),
                query.status ? eq(d.status, query.status) : undefined,
                afterCursor(query.cursor, d.createdAt, d.id),
              ),
            )
            .orderBy(desc(d.createdAt), desc(d.id))
            .limit(query.limit + 1);
          const pageRows = pageOf(rows, query.limit, (r) => ({ at: r.createdAt, id: r.id }));
          const ids = pageRows.items.map((r) => r.id);
          const attempts = ids.length
            ? await tx
                .select({
                  deliveryId: schema.webhookAttempts.deliveryId,
                  at: schema.webhookAttempts.at,
                  statusCode: schema.webhookAttempts.statusCode,
                  latencyMs: schema.webhookAttempts.latencyMs,
                  responseBody: schema.webhookAttempts.responseBody,
                  error: schema.webhookAttempts.error,
                })
                .from(schema.webhookAttempts)
                .where(inArray(schema.webhookAttempts.deliveryId, ids))
                .orderBy(schema.webhookAttempts.at)
            : [];
          return { pageRows, attempts };
        },
        { isolationLevel: 'repeatable read', accessMode: 'read only' },
      );
      return c.json({
        ...pageRows,
        items: pageRows.items.map((r) => ({
          ...r,
          attemptLog: attempts
            .filter((a) => a.deliveryId === r.id)
            .map(({ deliveryId: _d, ...a }) => a),
        })),
      });
    },
  });

  route({
    method: 'post',
    path: `${base}/deliveries/:deliveryId/replay`,
    access: 'webhooks.replay',
    tag,
    summary: 'Replay one delivery now, with the same webhook-id (receivers deduplicate on it)',
    responses: [
      {
        status: 202,
        description: 'Queued again',
        schema: z.object({ id: z.string(), status: z.literal('pending') }),
      },
    ],
    handler: async (c) => {
      const id = c.req.param('deliveryId');
      if (!isUuid(id)) throw notFound('The delivery');
      const [row] = await deps.client.db
        .select({
          id: schema.webhookDeliveries.id,
          endpointId: schema.webhookEndpoints.id,
          enabled: schema.webhookEndpoints.enabled,
        })
        .from(schema.webhookDeliveries)
        .innerJoin(
          schema.webhookEndpoints,
          eq(schema.webhookEndpoints.id, schema.webhookDeliveries.endpointId),
        )
        .where(
          and(
            eq(schema.webhookDeliveries.id, id),
            eq(schema.webhookEndpoints.workspaceId, c.get('workspaceId')),
          ),
        );
      if (!row) throw notFound('The delivery');
      if (!row.enabled)
        throw new AppError(
          409,
          'ENDPOINT_DISABLED',
          'The endpoint is disabled: enable it, then replay.',
        );
      // Only a finished delivery is queued again (the deliverer may have claimed it meanwhile:
      // the condition is in the update, so it is never sent twice at once).
      const d = schema.webhookDeliveries;
      const [queued] = await deps.client.db
        .update(d)
        .set({ status: 'pending', attempts: 0, nextAttemptAt: new Date() })
        .where(and(eq(d.id, id), inArray(d.status, ['delivered', 'failed'])))
        .returning({ id: d.id });
      if (!queued)
        throw new AppError(
          409,
          'DELIVERY_QUEUED',
          'This delivery is already queued: it goes out at its next attempt.',
        );
      await audit(c, deps.client.db, {
        action: 'webhook.replay',
        entityType: 'webhook',
        entityId: row.endpointId,
        after: { deliveryId: id },
      });
      return c.json({ id, status: 'pending' }, 202);
    },
  });

  route({
    method: 'post',
    path: `${base}/:id/recover`,
    access: 'webhooks.recover',
    tag,
    summary:
      'Recover: queue again every failed delivery of this endpoint created since a time (each keeps its webhook-id)',
    body: recoverBody,
    responses: [
      {
        status: 202,
        description: 'How many were queued again',
        schema: z.object({ queued: z.number().int() }),
      },
    ],
    handler: async (c, { body }) => {
      const e = await loadEndpoint(deps, c.get('workspaceId'), c.req.param('id'));
      if (!e.enabled)
        throw new AppError(
          409,
          'ENDPOINT_DISABLED',
          'The endpoint is disabled: enable it, then recover.',
        );
      const d = schema.webhookDeliveries;
      const rows = await deps.client.db
        .update(d)
        .set({ status: 'pending', attempts: 0, nextAttemptAt: new Date() })
        .where(and(eq(d.endpointId, e.id), eq(d.status, 'failed'), gte(d.createdAt, body.since)))
        .returning({ id: d.id });
      await audit(c, deps.client.db, {
        action: 'webhook.recover',
        entityType: 'webhook',
        entityId: e.id,
        after: { since: body.since, queued: rows.length },
      });
      return c.json({ queued: rows.length }, 202);
    },
  });
}
