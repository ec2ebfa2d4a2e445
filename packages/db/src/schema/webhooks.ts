// Webhook endpoints (secrets encrypted), the durable delivery queue, and every attempt.
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, ts } from './columns.ts';
import { workspaces } from './workspaces.ts';

export const deliveryStatusEnum = pgEnum('delivery_status', [
  'pending',
  'delivering',
  'delivered',
  'failed',
]);

export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** AES-256-GCM ciphertext of the `whsec_…` secret (carries its key id). */
    secret: text('secret').notNull(),
    /** The secret before the last rotation, still signing until `previous_secret_until`. */
    previousSecret: text('previous_secret'),
    previousSecretUntil: ts('previous_secret_until'),
    events: text('events').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    failingSince: ts('failing_since'),
    disabledReason: text('disabled_reason'),
    createdAt: createdAt(),
  },
  (t) => [index('webhook_endpoints_workspace_idx').on(t.workspaceId, t.createdAt.desc(), t.id)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: id(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    /** The stable `webhook-id`: the same on every attempt and replay, so receivers can deduplicate. */
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: jsonb('payload').notNull(),
    status: deliveryStatusEnum('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastResponseCode: integer('last_response_code'),
    lastError: text('last_error'),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    createdAt: createdAt(),
    deliveredAt: ts('delivered_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_endpoint_event_key').on(t.endpointId, t.eventId),
    index('webhook_deliveries_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    // Deliveries in flight: while `delivering`, next_attempt_at is the claim's lease (a row whose
    // lease ran out was left by a dead deliverer and is claimed again); counted for the caps.
    index('webhook_deliveries_delivering_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'delivering'`),
    // Each endpoint's next due deliveries (the deliverer takes a few per endpoint, see claim-deliveries.ts).
    index('webhook_deliveries_endpoint_due_idx')
      .on(t.endpointId, t.nextAttemptAt)
      .where(sql`${t.status} in ('pending', 'delivering')`),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt.desc(), t.id),
  ],
);

export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: id(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    at: createdAt(),
    statusCode: integer('status_code'),
    latencyMs: integer('latency_ms').notNull(),
    responseBody: text('response_body'),
    error: text('error'),
    /** What the attempt carried (webhook-signature etc., never the secret). */
    requestHeaders: jsonb('request_headers'),
  },
  (t) => [
    index('webhook_attempts_delivery_idx').on(t.deliveryId, t.at),
    index('webhook_attempts_at_idx').on(t.at),
  ],
);
