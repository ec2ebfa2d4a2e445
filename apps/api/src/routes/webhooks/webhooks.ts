// Webhook endpoints: add (the URL checked against the egress policy; the `whsec_` secret shown
// once and stored encrypted), change, remove, rotate the secret (the old one keeps signing for a
// day), send a test event, read the delivery log with every attempt, replay one delivery, and
// recover every failed delivery since a time.
import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, gte, inArray } from 'drizzle-orm';
import { z } from 'zod/v4';
import { schema } from '@waflow/db';
import {
  checkDestination,
  defaultEgressPolicy,
  EgressError,
  generateWebhookSecret,
} from '@waflow/egress';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { defaultLimits } from '../../limits.ts';
import { isUuid } from '../../middleware/auth.ts';
import { afterCursor, pageOf } from '../../routing/cursor.ts';
import { page, pageQuery, type RouteFn } from '../../routing/route.ts';

export const ROTATION_GRACE_MS = 24 * 3600_000;

// Platform events (conversation.completed, …) and flow webhook-block events, whose names follow
// the block's pattern (schemas/blocks/webhook.schema.json): lead.captured, support-ticket, …
const eventName = z
  .string()
  .regex(
    /^(\*|[a-z0-9][a-z0-9_.-]{0,63})$/,
    'an event is a name like conversation.completed or lead.captured, or * for all',
  );
const url = z
  .string()
  .trim()
  .url('url is a full URL like https://example.com/hooks/waflow')
  .max(2000)
  // A user:password in the URL would be shown to every viewer and kept in the audit log.
  .refine(
    (u) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(u),
    'url must not carry a user:password: verify requests with the webhook-signature header instead',
  );
const createBody = z.object({
  url,
  events: z.array(eventName).min(1, 'subscribe to at least one event (or *)').max(50),
  description: z.string().trim().max(200).default(''),
});
const updateBody = z.object({
  url: url.optional(),
  events: z.array(eventName).min(1, 'subscribe to at least one event (or *)').max(50).optional(),
  description: z.string().trim().max(200).optional(),
  enabled: z.boolean().optional(),
});
const recoverBody = z.object({
  since: z.coerce
    .date({ error: 'since is a date or ISO timestamp, e.g. 2026-01-31T12:00:00Z' })
    .refine(
      (d) => d.getTime() <= Date.now(),
      'since is in the future: pick the time the endpoint started failing',
    ),
});

const endpointColumns = {
  id: schema.webhookEndpoints.id,
  url: schema.webhookEndpoints.url,
  description: schema.webhookEndpoints.description,
  events: schema.webhookEndpoints.events,
  enabled: schema.webhookEndpoints.enabled,
  consecutiveFailures: schema.webhookEndpoints.consecutiveFailures,
  failingSince: schema.webhookEndpoints.failingSince,
  disabledReason: schema.webhookEndpoints.disabledReason,
  previousSecretUntil: schema.webhookEndpoints.previousSecretUntil,
  createdAt: schema.webhookEndpoints.createdAt,
};

const endpointView = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  consecutiveFailures: z.number().int(),
  failingSince: z.date().nullable(),
  disabledReason: z
    .string()
    .nullable()
    .describe(
      'Why waflow disabled it (410 Gone, 5 days of failures); null when enabled or disabled by hand',
    ),
  previousSecretUntil: z
    .date()
    .nullable()
    .describe('Until when the secret before the last rotation still signs'),
  createdAt: z.date(),
});
const shownOnce = z
  .string()
  .describe('whsec_… — shown in this answer only; verify signatures with it (Standard Webhooks)');
const attemptView = z.object({
  at: z.date(),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int(),
  responseBody: z.string().nullable().describe('The first 1 KB'),
  error: z.string().nullable(),
});
const deliveryView = z.object({
  id: z.string(),
  eventId: z.string().describe('The webhook-id header: the same on every retry and replay'),
  eventType: z.string(),
  status: z.enum(['pending', 'delivering', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastResponseCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.date(),
  createdAt: z.date(),
  deliveredAt: z.date().nullable(),
  payload: z.record(z.string(), z.unknown()),
  attemptLog: z.array(attemptView).describe('Attempts of the last 30 days, oldest first'),
});

export function registerWebhooks(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/webhooks';
  const tag = 'Webhooks';

  async function checkUrl(raw: string): Promise<void> {
    try {
      await checkDestination(raw, deps.egressPolicy ?? defaultEgressPolicy);
    } catch (err) {
      if (err instanceof EgressError) throw new AppError(422, 'URL_NOT_ALLOWED', err.message);
      throw err;
    }
  }

  async function load(workspaceId: string, id: string | undefined) {
    if (!isUuid(id)) throw notFound('The webhook endpoint');
    const [row] = await deps.client.db
      .select(endpointColumns)
      .from(schema.webhookEndpoints)
      .where(
        and(
          eq(schema.webhookEndpoints.id, id),
          eq(schema.webhookEndpoints.workspaceId, workspaceId),
        ),
      );
    if (!row) throw notFound('The webhook endpoint');
    return row;
  }

  route({
    method: 'get',
    path: base,
    access: 'webhooks.list',
    tag,
    summary:
      'List webhook endpoints with their health (disabled ones carry the reason), newest first',
    query: pageQuery,
    responses: [
      {
        status: 200,
        description: 'A page of endpoints (never their secrets)',
        schema: page(endpointView),
      },
    ],
    handler: async (c, { query }) => {
      const e = schema.webhookEndpoints;
      const rows = await deps.client.db
        .select(endpointColumns)
        .from(e)
        .where(
          and(
            eq(e.workspaceId, c.get('workspaceId')),
            afterCursor(query.cursor, e.createdAt, e.id),
          ),
        )
        .orderBy(desc(e.createdAt), desc(e.id))
        .limit(query.limit + 1);
      return c.json(pageOf(rows, query.limit, (r) => ({ at: r.createdAt, id: r.id })));
    },
  });

  route({
    method: 'post',
    path: base,
    access: 'webhooks.create',
    tag,
    summary: 'Add an endpoint: the signing secret (whsec_…) is in this answer only',
    description:
      'Errors: 409 TOO_MANY_WEBHOOK_ENDPOINTS when the workspace has as many endpoints as the operator allows (WAFLOW_MAX_WEBHOOK_ENDPOINTS, 20 by default); 422 URL_NOT_ALLOWED.',
    body: createBody,
    responses: [
      {
        status: 201,
        description: 'The endpoint and its secret, shown once',
        schema: endpointView.extend({ secret: shownOnce }),
      },
    ],
    handler: async (c, { body }) => {
      await checkUrl(body.url);
      const secret = generateWebhookSecret();
      const ws = c.get('workspaceId');
      const max = (deps.limits ?? defaultLimits).maxWebhookEndpoints;
      const row = await deps.client.db.transaction(async (tx) => {
        // Under the workspace row's lock, so two requests at once cannot both take the last place.
        await tx
          .select({ id: schema.workspaces.id })
          .from(schema.workspaces)
          .where(eq(schema.workspaces.id, ws))
          .for('update');
        const [existing] = await tx
          .select({ n: count() })
          .from(schema.webhookEndpoints)
          .where(eq(schema.webhookEndpoints.workspaceId, ws));
        if ((existing?.n ?? 0) >= max) {
          throw new AppError(
            409,
            'TOO_MANY_WEBHOOK_ENDPOINTS',
            `This workspace has ${existing?.n ?? 0} webhook endpoints, the most allowed (${max}): remove one you no longer use, or subscribe an existing endpoint to more events.`,
            { max },
          );
        }
        const [inserted] = await tx
          .insert(schema.webhookEndpoints)
          .values({
            workspaceId: ws,
            url: body.url,
            description: body.description,
            events: [...new Set(body.events)],
            secret: deps.keyring.encrypt(secret),
          })
          .returning(endpointColumns);
        return inserted;
      });
      await audit(c, deps.client.db, {
        action: 'webhook.create',
        entityType: 'webhook',
        entityId: row?.id,
        after: { url: body.url, events: body.events },
      });
      return c.json({ ...row, secret }, 201);
    },
  });

  route({
    method: 'get',
    path: `${base}/:id`,
    access: 'webhooks.get',
    tag,
    summary: 'Read one endpoint (never its secret)',
    responses: [{ status: 200, description: 'The endpoint', schema: endpointView }],
    handler: async (c) => c.json(await load(c.get('workspaceId'), c.req.param('id'))),
  });

  route({
    method: 'patch',
    path: `${base}/:id`,
    access: 'webhooks.update',
    tag,
    summary:
      'Change an endpoint’s URL, events or description, or enable/disable it (enabling clears its failure count)',
    body: updateBody,
    responses: [{ status: 200, description: 'The endpoint as changed', schema: endpointView }],
    handler: async (c, { body }) => {
      const before = await load(c.get('workspaceId'), c.req.param('id'));
      if (body.url) await checkUrl(body.url);
      const set = {
        ...(body.url === undefined ? {} : { url: body.url }),
        ...(body.events === undefined ? {} : { events: [...new Set(body.events)] }),
        ...(body.description === undefined ? {} : { description: body.description }),
        ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
        ...(body.enabled && !before.enabled
          ? { consecutiveFailures: 0, failingSince: null, disabledReason: null }
          : {}),
      };
      const [after] = await deps.client.db
        .update(schema.webhookEndpoints)
        .set(set)
        .where(eq(schema.webhookEndpoints.id, before.id))
        .returning(endpointColumns);
      await audit(c, deps.client.db, {
        action: 'webhook.update',
        entityType: 'webhook',
        entityId: before.id,
        before: { url: before.url, events: before.events, enabled: before.enabled },
        after: { url: after?.url, events: after?.events, enabled: after?.enabled },
      });
      return c.json(after);
    },
  });

  route({
    method: 'delete',
    path: `${base}/:id`,
    access: 'webhooks.delete',
    tag,
    summary: 'Remove an endpoint and its delivery log',
    responses: [{ status: 204, description: 'Removed' }],
    handler: async (c) => {
      const e = await load(c.get('workspaceId'), c.req.param('id'));
      await deps.client.db
        .delete(schema.webhookEndpoints)
        .where(eq(schema.webhookEndpoints.id, e.id));
      await audit(c, deps.client.db, {
        action: 'webhook.delete',
        entityType: 'webhook',
        entityId: e.id,
        before: { url: e.url, events: e.events },
      });
      return c.body(null, 204);
    },
  });

  route({
    method: 'post',
    path: `${base}/:id/rotate-secret`,
    access: 'webhooks.rotateSecret',
    tag,
    summary:
      'Rotate the signing secret: the new one is in this answer only; the old one keeps signing alongside for 24 hours',
    responses: [
      {
        status: 200,
        description: 'The new secret, shown once',
        schema: z.object({ id: z.string(), secret: shownOnce, previousSecretUntil: z.date() }),
      },
    ],
    handler: async (c) => {
      const e = await load(c.get('workspaceId'), c.req.param('id'));
      const secret = generateWebhookSecret();
      const until = new Date(Date.now() + ROTATION_GRACE_MS);
      await deps.client.db.transaction(async (tx) => {
        const [current] = await tx
          .select({ secret: schema.webhookEndpoints.secret })
          .from(schema.webhookEndpoints)
          .where(eq(schema.webhookEndpoints.id, e.id))
          .for('update');
        await tx
          .update(schema.webhookEndpoints)
          .set({
            secret: deps.keyring.encrypt(secret),
            previousSecret: current?.secret ?? null,
            previousSecretUntil: until,
          })
          .where(eq(schema.webhookEndpoints.id, e.id));
        await audit(c, tx, {
          action: 'webhook.rotate_secret',
          entityType: 'webhook',
          entityId: e.id,
          after: { previousSecretUntil: until },
        });
      });
      return c.json({ id: e.id, secret, previousSecretUntil: until });
    },
  });

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
      const e = await load(c.get('workspaceId'), c.req.param('id'));
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
      const e = await load(c.get('workspaceId'), c.req.param('id'));
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
      const e = await load(c.get('workspaceId'), c.req.param('id'));
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
