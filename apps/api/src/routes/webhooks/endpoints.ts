// Webhook endpoints: list, add (the URL checked against the egress policy; the `whsec_` secret
// shown once and stored encrypted), read, change, remove, rotate the secret (the old one keeps
// signing for a day).
import { and, count, desc, eq } from 'drizzle-orm';
import { z } from 'zod/v4';
import { schema } from '@waflow/db';
import { generateWebhookSecret } from '@waflow/egress';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { defaultLimits } from '../../limits.ts';
import { afterCursor, pageOf } from '../../routing/cursor.ts';
import { page, pageQuery, type RouteFn } from '../../routing/route.ts';
import {
  ROTATION_GRACE_MS,
  createBody,
  updateBody,
  endpointColumns,
  endpointView,
  shownOnce,
} from './schema.ts';
import { checkUrl, loadEndpoint } from './endpoint-access.ts';

export function registerWebhookEndpoints(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/webhooks';
  const tag = 'Webhooks';

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
      await checkUrl(deps, body.url);
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
    handler: async (c) => c.json(await loadEndpoint(deps, c.get('workspaceId'), c.req.param('id'))),
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
      const before = await loadEndpoint(deps, c.get('workspaceId'), c.req.param('id'));
      if (body.url) await checkUrl(deps, body.url);
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
      const e = await loadEndpoint(deps, c.get('workspaceId'), c.req.param('id'));
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
      const e = await loadEndpoint(deps, c.get('workspaceId'), c.req.param('id'));
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
}
