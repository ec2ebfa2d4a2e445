// The integrator API (an API key bound to one workspace): start a flow for a contact — the one
// way the bot may open a conversation — send a message, read results and conversations. Starts
// and sends take an Idempotency-Key: a retried request gets the first answer back.
import { createHash, randomUUID } from 'node:crypto';
import { and, desc, eq, gte, isNull, lt, not, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { z } from 'zod/v4';
import {
  eraseWhatsAppId,
  findOpenConversation,
  insertInboundEvent,
  isSimulatorNumber,
  queueMessage,
  schema,
  transcript,
} from '@waflow/db';
import { audit } from '../../audit.ts';
import { conversationLocks, type AppEnv, type Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import { takeDestination } from '../../middleware/integrator-limits.ts';
import { afterCursor, pageOf } from '../../routing/cursor.ts';
import { dateParam } from '../../routing/params.ts';
import { pageQuery, type RouteFn } from '../../routing/route.ts';

const phone = z
  .string()
  .trim()
  .regex(
    /^\+?[0-9][0-9 ()-]{5,20}$/,
    'phone is the contact’s number with country code, e.g. +34600123456',
  )
  .transform((p) => p.replace(/\D/g, ''));
const startBody = z.object({
  numberId: z.string().uuid('numberId is the id of the WhatsApp number to start from'),
  contact: z.object({ phone, name: z.string().trim().max(100).optional() }),
  variables: z
    .record(z.string(), z.unknown())
    .default({})
    .describe('Initial values for variables the flow declares (others are ignored)'),
});
const sendBody = z.object({
  numberId: z.string().uuid('numberId is the id of the WhatsApp number to send from'),
  to: phone,
  text: z
    .string()
    .trim()
    .min(1, 'text is empty')
    .max(4096, 'WhatsApp messages are at most 4096 characters'),
});
const resultsQuery = pageQuery.extend({
  flowId: z.string().uuid('flowId is a flow’s id').optional(),
  since: dateParam('since').optional(),
  include: z
    .enum(['simulator'], { error: 'include=simulator is the one thing to include' })
    .optional()
    .describe('simulator: also the runs of simulator sessions (left out by default)'),
});
const IDEMPOTENCY_NOTE =
  'With an Idempotency-Key, a retry with the same body answers what the first request answered (header Idempotent-Replayed: true) and does nothing twice; the same key with another body is a 409. Keys are remembered for 24 hours.';
const idempotencyHeader = {
  'Idempotency-Key': {
    description:
      'Any unique string (a UUID): retrying with the same key and body returns the first answer and does nothing twice',
  },
};

/** Whether a flow config has an `api` trigger: only those flows may be started by integrators. */
function hasApiTrigger(config: Record<string, unknown> | undefined): boolean {
  const triggers = config?.triggers;
  return (
    Array.isArray(triggers) &&
    triggers.some(
      (t: unknown) => typeof t === 'object' && t !== null && 'type' in t && t.type === 'api',
    )
  );
}

/** Keys are remembered this long (then the same key is a new request), as Stripe does. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** A claim still unanswered after this long belongs to a request that died: a retry takes it over. */
export const IDEMPOTENCY_STALE_CLAIM_MS = 60_000;

const lastPrune = new Map<string, number>();

/** Forgets a workspace's expired keys, at most once a minute per workspace and process, off the request's path. */
function pruneExpiredKeys(deps: Deps, workspaceId: string): void {
  const now = Date.now();
  if (now - (lastPrune.get(workspaceId) ?? 0) < 60_000) return;
  lastPrune.set(workspaceId, now);
  const k = schema.idempotencyKeys;
  void deps.client.db
    .delete(k)
    .where(and(eq(k.workspaceId, workspaceId), lt(k.createdAt, new Date(now - IDEMPOTENCY_TTL_MS))))
    .catch(() => undefined);
}

/** What makes two requests "the same": method, path and the validated body. */
export function idempotencyHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path} ${JSON.stringify(body)}`)
    .digest('hex');
}

/**
 * Runs `fn` once per (workspace, Idempotency-Key): the same key and body get the first answer
 * back, another body a 409. `fn` gets an operation id — the claim's, so the same for a retry and
 * new once the key expired — and must derive its writes' unique ids from it: a claim left
 * unanswered by a request that died is taken over, and `fn` runs again.
 */
async function idempotent(
  c: Context<AppEnv>,
  deps: Deps,
  body: unknown,
  fn: (operationId: string) => Promise<{ status: 200 | 201 | 202; body: Record<string, unknown> }>,
) {
  const key = c.req.header('idempotency-key');
  if (key !== undefined && !/^[\w.:-]{1,200}$/.test(key))
    throw new AppError(
      400,
      'INVALID_IDEMPOTENCY_KEY',
      'Idempotency-Key is 1–200 letters, digits, dots, dashes, colons or underscores.',
    );
  if (!key) {
    const r = await fn(randomUUID());
    return c.json(r.body, r.status);
  }
  const ws = c.get('workspaceId');
  const k = schema.idempotencyKeys;
  const requestHash = idempotencyHash(c.req.method, c.req.path, body);
  const claim = async () =>
    (
      await deps.client.db
        .insert(k)
        .values({ workspaceId: ws, key, requestHash })
        .onConflictDoNothing()
        .returning({ id: k.id })
    )[0];
  let claimed = await claim();
  if (!claimed) {
    const [prior] = await deps.client.db
      .select()
      .from(k)
      .where(and(eq(k.workspaceId, ws), eq(k.key, key)));
    const now = Date.now();
    if (prior && now - prior.createdAt.getTime() > IDEMPOTENCY_TTL_MS) {
      // Expired: forget it and claim afresh.
      await deps.client.db
        .delete(k)
        .where(and(eq(k.id, prior.id), eq(k.createdAt, prior.createdAt)));
      claimed = await claim();
      if (!claimed)
        throw new AppError(
          409,
          'REQUEST_IN_PROGRESS',
          'A request with this Idempotency-Key is still being handled: retry in a moment.',
        );
    } else if (prior) {
      if (prior.requestHash !== requestHash)
        throw new AppError(
          409,
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used for a different request: use a new key for a new request.',
        );
      if (prior.statusCode) {
        c.header('Idempotent-Replayed', 'true');
        return c.json(prior.response as Record<string, unknown>, prior.statusCode as 200);
      }
      // Unanswered: in progress, unless so old that the request handling it died; then take it over
      // (only one retry wins the update).
      const [taken] =
        now - prior.createdAt.getTime() > IDEMPOTENCY_STALE_CLAIM_MS
          ? await deps.client.db
              .update(k)
              .set({ createdAt: new Date(now) })
              .where(
                and(eq(k.id, prior.id), isNull(k.statusCode), eq(k.createdAt, prior.createdAt)),
              )
              .returning({ id: k.id })
          : [];
      if (!taken)
        throw new AppError(
          409,
          'REQUEST_IN_PROGRESS',
          'A request with this Idempotency-Key is still being handled: retry in a moment.',
        );
      claimed = taken;
    } else {
      claimed = await claim();
      if (!claimed)
        throw new AppError(
          409,
          'REQUEST_IN_PROGRESS',
          'A request with this Idempotency-Key is still being handled: retry in a moment.',
        );
    }
  }
  const claimId = claimed.id;
  pruneExpiredKeys(deps, ws);
  try {
    const r = await fn(claimId);
    await deps.client.db
      .update(k)
      .set({ statusCode: r.status, response: r.body })
      .where(eq(k.id, claimId));
    return c.json(r.body, r.status);
  } catch (err) {
    // A refused request may be retried with the same key once it is fixed.
    await deps.client.db.delete(k).where(eq(k.id, claimId));
    throw err;
  }
}

export function registerIntegrations(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/integrations';
  const tag = 'Integrations';

  async function liveNumber(workspaceId: string, id: string) {
    const [n] = await deps.client.db
      .select({ id: schema.numbers.id })
      .from(schema.numbers)
      .where(
        and(
          eq(schema.numbers.id, id),
          eq(schema.numbers.workspaceId, workspaceId),
          isNull(schema.numbers.deletedAt),
          isNull(schema.numbers.pinnedVersionId),
        ),
      );
    if (!n) throw notFound('The number');
    return n;
  }

  async function openConversationId(numberId: string, waId: string): Promise<string | null> {
    const [contact] = await deps.client.db
      .select({ id: schema.contacts.id })
      .from(schema.contacts)
      .where(and(eq(schema.contacts.numberId, numberId), eq(schema.contacts.waId, waId)));
    return contact
      ? ((await findOpenConversation(deps.client.db, numberId, contact.id))?.id ?? null)
      : null;
  }

  route({
    method: 'post',
    path: `${base}/flows/:flowId/start`,
    access: 'apiKey',
    tag,
    summary:
      'Start a published flow (one with an API trigger) for a contact, with initial values for its declared variables; 409 when the contact is already in a conversation on that number',
    description:
      'The conversation runs on the runtime serving the number; follow it with the conversation.started and conversation.completed webhooks, or read it at /api/v1/integrations/conversations/{id}. ' +
      'Errors: 404 NOT_FOUND (flow or number not in this key’s workspace), 409 FLOW_NOT_PUBLISHED, FLOW_HAS_NO_API_TRIGGER, CONVERSATION_IN_PROGRESS (details.conversationId), IDEMPOTENCY_KEY_REUSED, REQUEST_IN_PROGRESS; 429 with Retry-After: RATE_LIMITED (this key), WORKSPACE_RATE_LIMITED (all the workspace’s keys), DESTINATION_RATE_LIMITED (messages and starts to this phone). ' +
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
        const number = await liveNumber(ws, body.numberId);
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
        const open = await openConversationId(number.id, waId);
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

  route({
    method: 'delete',
    path: `${base}/contacts/:phone`,
    access: 'apiKey',
    tag,
    summary:
      'Erase a person by phone (a right-to-erasure request): on every number of the workspace, their contact, conversations, messages, results, queued messages and webhook deliveries',
    description:
      'Each erased contact also sends contact.erased to subscribed endpoints. The audit log records the erasure without the phone. ' +
      'Errors: 400 when the phone is not one (country code and number, e.g. +34600123456), 404 NOT_FOUND when the workspace keeps nothing about it; 429 RATE_LIMITED with Retry-After.',
    responses: [
      {
        status: 200,
        description: 'Erased',
        schema: z.object({ contacts: z.number(), deleted: z.record(z.string(), z.number()) }),
      },
    ],
    handler: async (c) => {
      // Hono has decoded the path already: decoding again would turn `%25` into `%` (and throw).
      const parsed = phone.safeParse(c.req.param('phone') ?? '');
      if (!parsed.success)
        throw new AppError(
          400,
          'INVALID_PHONE',
          'phone is the contact’s number with country code, e.g. +34600123456',
        );
      const erased = await eraseWhatsAppId(
        deps.client.db,
        conversationLocks(deps),
        c.get('workspaceId'),
        `${parsed.data}@c.us`,
      );
      if (erased.contacts === 0 && Object.values(erased.deleted).every((n) => n === 0))
        throw notFound('A contact with this phone');
      await audit(c, deps.client.db, {
        action: 'integration.contact.erase',
        entityType: 'contact',
        after: erased,
      });
      return c.json(erased);
    },
  });

  route({
    method: 'post',
    path: `${base}/messages`,
    access: 'apiKey',
    tag,
    summary: 'Send a text message from a number (paced and retried like the bot’s own replies)',
    description:
      'Errors: 404 NOT_FOUND (number not in this key’s workspace), 409 IDEMPOTENCY_KEY_REUSED, REQUEST_IN_PROGRESS; 429 with Retry-After: RATE_LIMITED (this key), WORKSPACE_RATE_LIMITED (all the workspace’s keys), DESTINATION_RATE_LIMITED (messages and starts to this phone). ' +
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
        const number = await liveNumber(ws, body.numberId);
        const to = `${body.to}@c.us`;
        const conversationId = await openConversationId(number.id, to);
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

  route({
    method: 'get',
    path: `${base}/results`,
    access: 'apiKey',
    tag,
    summary:
      'Results (one per run, with the variables collected), newest first; simulator runs only with include=simulator (each item says `simulator`)',
    query: resultsQuery,
    handler: async (c, { query }) => {
      const rows = await deps.client.db
        .select({
          id: schema.results.id,
          flowId: schema.results.flowId,
          conversationId: schema.results.conversationId,
          status: schema.results.status,
          variables: schema.results.variables,
          createdAt: schema.results.createdAt,
          updatedAt: schema.results.updatedAt,
          contact: { waId: schema.contacts.waId, name: schema.contacts.name },
          simulator: sql<boolean>`${isSimulatorNumber(sql`${schema.conversations.numberId}`)}`,
        })
        .from(schema.results)
        .leftJoin(schema.contacts, eq(schema.contacts.id, schema.results.contactId))
        .innerJoin(schema.conversations, eq(schema.conversations.id, schema.results.conversationId))
        .where(
          and(
            eq(schema.results.workspaceId, c.get('workspaceId')),
            // Simulator runs are not production data (isSimulatorNumber): only when asked for.
            query.include === 'simulator'
              ? undefined
              : not(isSimulatorNumber(sql`${schema.conversations.numberId}`)),
            query.flowId ? eq(schema.results.flowId, query.flowId) : undefined,
            query.since ? gte(schema.results.updatedAt, query.since) : undefined,
            afterCursor(query.cursor, schema.results.updatedAt, schema.results.id),
          ),
        )
        .orderBy(desc(schema.results.updatedAt), desc(schema.results.id))
        .limit(query.limit + 1);
      return c.json(pageOf(rows, query.limit, (r) => ({ at: r.updatedAt, id: r.id })));
    },
  });

  route({
    method: 'get',
    path: `${base}/conversations/:id`,
    access: 'apiKey',
    tag,
    summary: 'A conversation with its transcript and the variables collected',
    handler: async (c) => {
      const id = c.req.param('id');
      if (!isUuid(id)) throw notFound('The conversation');
      const [conv] = await deps.client.db
        .select({
          id: schema.conversations.id,
          status: schema.conversations.status,
          numberId: schema.conversations.numberId,
          flowId: schema.conversations.flowId,
          createdAt: schema.conversations.createdAt,
          lastActivityAt: schema.conversations.lastActivityAt,
          contact: { waId: schema.contacts.waId, name: schema.contacts.name },
        })
        .from(schema.conversations)
        .innerJoin(schema.contacts, eq(schema.contacts.id, schema.conversations.contactId))
        .where(
          and(
            eq(schema.conversations.id, id),
            eq(schema.conversations.workspaceId, c.get('workspaceId')),
          ),
        );
      if (!conv) throw notFound('The conversation');
      const [messages, [result]] = await Promise.all([
        transcript(deps.client.db, conv.id),
        deps.client.db
          .select({ variables: schema.results.variables, status: schema.results.status })
          .from(schema.results)
          .where(eq(schema.results.conversationId, conv.id)),
      ]);
      return c.json({
        ...conv,
        variables: result?.variables ?? {},
        resultStatus: result?.status ?? null,
        messages: messages.map((m) => ({
          direction: m.direction,
          author: m.author,
          type: m.type,
          body: m.body,
          status: m.status,
          createdAt: m.createdAt,
        })),
      });
    },
  });
}
