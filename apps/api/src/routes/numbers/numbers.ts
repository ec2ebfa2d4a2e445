// Numbers: list, add, read, change (label, flow), remove, relink (forget the session, ask for a
// new QR); the live stream is number-events.ts, the official channels' accounts
// cloud-api-account.ts and twilio-account.ts. The runtime side learns of changes through NOTIFY
// `numbers_changed` (number-access.ts).
import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod/v4';
import {
  deleteSessionArchive,
  loadChannelAccount,
  NUMBER_STATUS_CHANNEL,
  schema,
} from '@waflow/db';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { afterCursor, pageOf } from '../../routing/cursor.ts';
import { pageQuery, type RouteFn } from '../../routing/route.ts';
import { loadFlow } from '../flows/load-flow.ts';
import {
  connectionView,
  createCloudAccount,
  registerCloudApiAccount,
} from './cloud-api-account.ts';
import {
  createTwilioAccount,
  registerTwilioAccount,
  twilioConnectionView,
} from './twilio-account.ts';

import { createBody, columns, numberView, updateBody } from './schema.ts';
import { loadNumber, numbersChanged } from './number-access.ts';
import { registerNumberEvents } from './number-events.ts';

export function registerNumbers(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/numbers';
  const tag = 'Numbers';

  route({
    method: 'get',
    path: base,
    access: 'numbers.list',
    tag,
    summary: 'List the workspace’s numbers with their live status',
    query: pageQuery,
    responses: [
      {
        status: 200,
        description: 'A page of numbers',
        schema: z.object({ items: z.array(numberView), nextCursor: z.string().nullable() }),
      },
    ],
    handler: async (c, { query }) => {
      const rows = await deps.client.db
        .select(columns)
        .from(schema.numbers)
        .where(
          and(
            eq(schema.numbers.workspaceId, c.get('workspaceId')),
            isNull(schema.numbers.deletedAt),
            isNull(schema.numbers.pinnedVersionId),
            afterCursor(query.cursor, schema.numbers.createdAt, schema.numbers.id),
          ),
        )
        .orderBy(desc(schema.numbers.createdAt), desc(schema.numbers.id))
        .limit(query.limit + 1);
      return c.json(pageOf(rows, query.limit, (r) => ({ at: r.createdAt, id: r.id })));
    },
  });

  route({
    method: 'post',
    path: base,
    access: 'numbers.create',
    tag,
    summary:
      'Add a number (WhatsApp: its worker starts and offers a QR on the events stream; Cloud API: with its credentials, answered by `cloudApi` with the webhook URL to paste into Meta)',
    body: createBody,
    responses: [{ status: 201, description: 'The new number', schema: numberView }],
    handler: async (c, { body }) => {
      if (body.flowId) await loadFlow(deps, c.get('workspaceId'), body.flowId);
      let settings: Record<string, string> = {};
      const row = await deps.client.db.transaction(async (tx) => {
        const [created] = await tx
          .insert(schema.numbers)
          .values({
            workspaceId: c.get('workspaceId'),
            label: body.label,
            channel: body.channel,
            flowId: body.flowId ?? null,
          })
          .returning(columns);
        if (!created) throw new Error('number insert returned nothing');
        if (body.channel === 'cloud_api' && body.cloudApi)
          settings = await createCloudAccount(tx, deps, created.id, body.cloudApi);
        if (body.channel === 'twilio' && body.twilio)
          settings = await createTwilioAccount(tx, deps, created.id, body.twilio);
        await audit(c, tx, {
          action: 'number.create',
          entityType: 'number',
          entityId: created.id,
          after: { label: created.label, channel: created.channel, flowId: created.flowId },
        });
        return created;
      });
      if (body.channel === 'sandbox' && deps.runtime) await deps.runtime.attachSandbox(row.id);
      await numbersChanged(deps, row.id, 'created');
      // Served before the answer (the NOTIFY's sync may come later; a sync serves a number once).
      const account = { numberId: row.id, settings };
      if (body.channel === 'cloud_api') {
        await deps.cloudApi?.sync();
        return c.json({ ...row, cloudApi: connectionView(c, deps, account) }, 201);
      }
      if (body.channel === 'twilio') {
        await deps.twilio?.sync();
        return c.json({ ...row, twilio: twilioConnectionView(c, deps, account) }, 201);
      }
      return c.json(row, 201);
    },
  });

  registerNumberEvents(route, deps);
  registerCloudApiAccount(route, deps);
  registerTwilioAccount(route, deps);

  route({
    method: 'get',
    path: `${base}/:id`,
    access: 'numbers.get',
    tag,
    summary: 'Read one number: status, last error, restart count, heartbeat',
    handler: async (c) => {
      const {
        qr: _qr,
        qrUpdatedAt: _at,
        ...row
      } = await loadNumber(deps, c.get('workspaceId'), c.req.param('id'));
      if (row.channel !== 'cloud_api' && row.channel !== 'twilio') return c.json(row);
      const stored = await loadChannelAccount(deps.client.db, deps.keyring, row.id);
      const account = { numberId: row.id, settings: stored?.settings ?? {} };
      return c.json(
        row.channel === 'cloud_api'
          ? { ...row, cloudApi: connectionView(c, deps, account) }
          : { ...row, twilio: twilioConnectionView(c, deps, account) },
      );
    },
  });

  route({
    method: 'patch',
    path: `${base}/:id`,
    access: 'numbers.update',
    tag,
    summary: 'Rename a number or bind it to another flow',
    body: updateBody,
    handler: async (c, { body }) => {
      const before = await loadNumber(deps, c.get('workspaceId'), c.req.param('id'));
      if (body.flowId) await loadFlow(deps, c.get('workspaceId'), body.flowId);
      const [row] = await deps.client.db
        .update(schema.numbers)
        .set({
          ...(body.label === undefined ? {} : { label: body.label }),
          ...(body.flowId === undefined ? {} : { flowId: body.flowId }),
        })
        .where(eq(schema.numbers.id, before.id))
        .returning(columns);
      await audit(c, deps.client.db, {
        action: 'number.update',
        entityType: 'number',
        entityId: before.id,
        before: { label: before.label, flowId: before.flowId },
        after: { label: row?.label, flowId: row?.flowId },
      });
      await numbersChanged(deps, before.id, 'updated');
      return c.json(row);
    },
  });

  route({
    method: 'delete',
    path: `${base}/:id`,
    access: 'numbers.delete',
    tag,
    summary: 'Remove a number: its worker stops and its WhatsApp session is forgotten',
    responses: [{ status: 204, description: 'Removed' }],
    handler: async (c) => {
      const n = await loadNumber(deps, c.get('workspaceId'), c.req.param('id'));
      await deps.client.db.transaction(async (tx) => {
        await tx
          .update(schema.numbers)
          .set({ deletedAt: new Date(), qr: null })
          .where(eq(schema.numbers.id, n.id));
        await deleteSessionArchive(tx, n.id);
        await audit(c, tx, {
          action: 'number.delete',
          entityType: 'number',
          entityId: n.id,
          before: { label: n.label, phone: n.phone },
        });
      });
      await numbersChanged(deps, n.id, 'deleted');
      return c.body(null, 204);
    },
  });

  route({
    method: 'post',
    path: `${base}/:id/relink`,
    access: 'numbers.relink',
    tag,
    summary: 'Relink: forget the WhatsApp session and offer a new QR to scan',
    handler: async (c) => {
      const n = await loadNumber(deps, c.get('workspaceId'), c.req.param('id'));
      await deps.client.db.transaction(async (tx) => {
        await deleteSessionArchive(tx, n.id);
        await tx
          .update(schema.numbers)
          .set({ status: 'new', qr: null, qrUpdatedAt: null, lastError: null })
          .where(eq(schema.numbers.id, n.id));
        await audit(c, tx, {
          action: 'number.relink',
          entityType: 'number',
          entityId: n.id,
          before: { status: n.status, phone: n.phone },
        });
      });
      await numbersChanged(deps, n.id, 'relink');
      await deps.client
        .notify(NUMBER_STATUS_CHANNEL, JSON.stringify({ numberId: n.id }))
        .catch(() => undefined);
      return c.json({ id: n.id, status: 'new' }, 202);
    },
  });
}
