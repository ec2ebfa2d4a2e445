// The webhook routes' shapes: request bodies, the endpoint and delivery views, the columns read.
import { z } from 'zod/v4';
import { schema } from '@waflow/db';

export const ROTATION_GRACE_MS = 24 * 3600_000;

// Platform events (conversation.completed, …) and flow webhook-block events, whose names follow
// the block's pattern (schemas/blocks/webhook.schema.json): lead.captured, support-ticket, …
export const eventName = z
  .string()
  .regex(
    /^(\*|[a-z0-9][a-z0-9_.-]{0,63})$/,
    'an event is a name like conversation.completed or lead.captured, or * for all',
  );
export const url = z
  .string()
  .trim()
  .url('url is a full URL like https://example.com/hooks/waflow')
  .max(2000)
  // A user:password in the URL would be shown to every viewer and kept in the audit log.
  .refine(
    (u) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(u),
    'url must not carry a user:password: verify requests with the webhook-signature header instead',
  );
export const createBody = z.object({
  url,
  events: z.array(eventName).min(1, 'subscribe to at least one event (or *)').max(50),
  description: z.string().trim().max(200).default(''),
});
export const updateBody = z.object({
  url: url.optional(),
  events: z.array(eventName).min(1, 'subscribe to at least one event (or *)').max(50).optional(),
  description: z.string().trim().max(200).optional(),
  enabled: z.boolean().optional(),
});
export const recoverBody = z.object({
  since: z.coerce
    .date({ error: 'since is a date or ISO timestamp, e.g. 2026-01-31T12:00:00Z' })
    .refine(
      (d) => d.getTime() <= Date.now(),
      'since is in the future: pick the time the endpoint started failing',
    ),
});

export const endpointColumns = {
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

export const endpointView = z.object({
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
export const shownOnce = z
  .string()
  .describe('whsec_… — shown in this answer only; verify signatures with it (Standard Webhooks)');
export const attemptView = z.object({
  at: z.date(),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int(),
  responseBody: z.string().nullable().describe('The first 1 KB'),
  error: z.string().nullable(),
});
export const deliveryView = z.object({
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
