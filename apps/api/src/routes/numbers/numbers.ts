// Numbers: list, add, read, change (label, flow), remove, relink (forget the session, ask for a
// new QR), and a live stream of status and QR over SSE. The runtime side (supervisor and
// workers) learns of changes through NOTIFY `numbers_changed` and reports through the number's
// row plus NOTIFY `number_status` `{ numberId }`, which the stream here follows.
import { and, desc, eq, isNull } from 'drizzle-orm';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod/v4';
import {
  deleteSessionArchive,
  NUMBER_STATUS_CHANNEL,
  NUMBERS_CHANGED_CHANNEL,
  schema,
} from '@waflow/db';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import { afterCursor, pageOf } from '../../routing/cursor.ts';
import { pageQuery, type RouteFn } from '../../routing/route.ts';
import { loadFlow } from '../flows/flows.ts';
import {
  cloudApiCredentials,
  connectionView,
  createCloudAccount,
  registerCloudApiAccount,
} from './cloud-api-account.ts';
import { loadCloudAccount, loadProviderAccount } from '../channels/cloud-api-webhook.ts';
import {
  createTwilioAccount,
  registerTwilioAccount,
  twilioConnectionView,
  twilioCredentials,
} from './twilio-account.ts';

const CHANNELS = ['whatsapp', 'sandbox', 'cloud_api', 'twilio'] as const;

const createBody = z
  .object({
    label: z
      .string()
      .trim()
      .min(1, 'give the number a label')
      .max(80, 'keep the label under 80 characters'),
    flowId: z.string().uuid('pick a flow from the list').optional(),
    channel: z.enum(CHANNELS).default('whatsapp'),
    /** With `channel: "cloud_api"`: the number's Meta credentials. */
    cloudApi: cloudApiCredentials.optional(),
    /** With `channel: "twilio"`: the account and the WhatsApp sender. */
    twilio: twilioCredentials.optional(),
  })
  .refine((b) => b.channel !== 'cloud_api' || b.cloudApi, {
    path: ['cloudApi'],
    message:
      'a Cloud API number needs its phoneNumberId, wabaId, accessToken and appSecret (from Meta’s dashboard)',
  })
  .refine((b) => b.channel !== 'twilio' || b.twilio, {
    path: ['twilio'],
    message: 'a Twilio number needs its accountSid, authToken and sender (from the Twilio Console)',
  });
const updateBody = z.object({
  label: z.string().trim().min(1, 'give the number a label').max(80).optional(),
  flowId: z.string().uuid('pick a flow from the list').nullable().optional(),
});

const columns = {
  id: schema.numbers.id,
  label: schema.numbers.label,
  channel: schema.numbers.channel,
  phone: schema.numbers.phone,
  status: schema.numbers.status,
  flowId: schema.numbers.flowId,
  lastError: schema.numbers.lastError,
  restartCount: schema.numbers.restartCount,
  heartbeatAt: schema.numbers.heartbeatAt,
  createdAt: schema.numbers.createdAt,
};

const numberView = z.object({
  id: z.string(),
  label: z.string(),
  channel: z.enum(CHANNELS),
  phone: z.string().nullable(),
  status: z.enum(['new', 'qr', 'authenticated', 'ready', 'disconnected', 'logged_out']),
  flowId: z.string().nullable(),
  lastError: z.string().nullable(),
  restartCount: z.number(),
  heartbeatAt: z.date().nullable(),
  createdAt: z.date(),
});

export function registerNumbers(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/numbers';
  const tag = 'Numbers';

  async function loadNumber(workspaceId: string, id: string | undefined) {
    if (!isUuid(id)) throw notFound('The number');
    const [row] = await deps.client.db
      .select({ ...columns, qr: schema.numbers.qr, qrUpdatedAt: schema.numbers.qrUpdatedAt })
      .from(schema.numbers)
      .where(
        and(
          eq(schema.numbers.id, id),
          eq(schema.numbers.workspaceId, workspaceId),
          isNull(schema.numbers.deletedAt),
          isNull(schema.numbers.pinnedVersionId),
        ),
      );
    if (!row) throw notFound('The number');
    return row;
  }

  const changed = (numberId: string, action: 'created' | 'updated' | 'deleted' | 'relink') =>
    deps.client
      .notify(NUMBERS_CHANGED_CHANNEL, JSON.stringify({ numberId, action }))
      .catch(() => undefined);

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
          await createCloudAccount(tx, deps, created.id, body.cloudApi);
        if (body.channel === 'twilio' && body.twilio)
          await createTwilioAccount(tx, deps, created.id, body.twilio);
        await audit(c, tx, {
          action: 'number.create',
          entityType: 'number',
          entityId: created.id,
          after: { label: created.label, channel: created.channel, flowId: created.flowId },
        });
        return created;
      });
      if (body.channel === 'sandbox' && deps.runtime) await deps.runtime.attachSandbox(row.id);
      await changed(row.id, 'created');
      if (body.channel === 'cloud_api') {
        await deps.cloudApi?.attach(row.id);
        const account = await loadCloudAccount(deps, row.id);
        return c.json({ ...row, cloudApi: connectionView(c, deps, account) }, 201);
      }
      if (body.channel === 'twilio') {
        await deps.twilio?.attach(row.id);
        const account = await loadProviderAccount(deps, 'twilio', row.id);
        return c.json({ ...row, twilio: twilioConnectionView(c, deps, account) }, 201);
      }
      return c.json(row, 201);
    },
  });

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
      } = await loadNumber(c.get('workspaceId'), c.req.param('id'));
      if (row.channel === 'cloud_api') {
        const account = await loadCloudAccount(deps, row.id);
        return c.json({ ...row, cloudApi: connectionView(c, deps, account) });
      }
      if (row.channel === 'twilio') {
        const account = await loadProviderAccount(deps, 'twilio', row.id);
        return c.json({ ...row, twilio: twilioConnectionView(c, deps, account) });
      }
      return c.json(row);
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
      const before = await loadNumber(c.get('workspaceId'), c.req.param('id'));
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
      await changed(before.id, 'updated');
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
      const n = await loadNumber(c.get('workspaceId'), c.req.param('id'));
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
      await changed(n.id, 'deleted');
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
      const n = await loadNumber(c.get('workspaceId'), c.req.param('id'));
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
      await changed(n.id, 'relink');
      await deps.client
        .notify(NUMBER_STATUS_CHANNEL, JSON.stringify({ numberId: n.id }))
        .catch(() => undefined);
      return c.json({ id: n.id, status: 'new' }, 202);
    },
  });

  route({
    method: 'get',
    path: `${base}/:id/events`,
    access: 'numbers.events',
    tag,
    summary:
      'Live stream (SSE): `status` events with the number’s state, and `qr` events with the QR code to scan while linking',
    responses: [
      { status: 200, description: 'text/event-stream', contentType: 'text/event-stream' },
    ],
    handler: async (c) => {
      const ws = c.get('workspaceId');
      const first = await loadNumber(ws, c.req.param('id'));
      return streamSSE(c, async (stream) => {
        let lastQr: string | null = null;
        let lastStatus = '';
        let pending = Promise.resolve();
        const push = async () => {
          const n = await loadNumber(ws, first.id).catch(() => undefined);
          if (!n) {
            await stream.writeSSE({
              event: 'status',
              data: JSON.stringify({ id: first.id, status: 'removed' }),
            });
            stream.abort();
            return;
          }
          const { qr, qrUpdatedAt, ...view } = n;
          const statusKey = JSON.stringify(view);
          if (statusKey !== lastStatus) {
            lastStatus = statusKey;
            await stream.writeSSE({ event: 'status', data: statusKey });
          }
          if (qr && qr !== lastQr && n.status === 'qr')
            await stream.writeSSE({ event: 'qr', data: JSON.stringify({ qr, at: qrUpdatedAt }) });
          lastQr = qr;
        };
        const unlisten = await deps.client.listen(NUMBER_STATUS_CHANNEL, (payload) => {
          let id: unknown;
          try {
            id = (JSON.parse(payload) as { numberId?: unknown }).numberId;
          } catch {
            return;
          }
          if (id === first.id) pending = pending.then(push, push);
        });
        stream.onAbort(() => void unlisten());
        await push();
        while (!stream.aborted) {
          await stream.sleep(15_000);
          if (!stream.aborted) await stream.writeSSE({ event: 'ping', data: '{}' });
        }
        await unlisten();
      });
    },
  });
}
