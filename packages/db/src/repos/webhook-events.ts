// Turns a platform or flow event into one durable delivery row per subscribed endpoint, inside
// the caller's transaction (so an event exists exactly when what caused it was committed).
import { and, eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import * as schema from '../schema/index.ts';

export interface WebhookEvent {
  /** Stable id (the `webhook-id` header): the same on every attempt, so receivers can deduplicate. */
  id: string;
  type: string;
  workspaceId: string;
  data: Record<string, unknown>;
  occurredAt: Date;
}

/** The JSON body every endpoint receives: `{ id, type, timestamp, data }`. */
export function envelope(e: WebhookEvent): Record<string, unknown> {
  return { id: e.id, type: e.type, timestamp: e.occurredAt.toISOString(), data: e.data };
}

export async function enqueueWebhookEvent(tx: Database, e: WebhookEvent): Promise<number> {
  const endpoints = await tx
    .select({ id: schema.webhookEndpoints.id, events: schema.webhookEndpoints.events })
    .from(schema.webhookEndpoints)
    .where(and(eq(schema.webhookEndpoints.workspaceId, e.workspaceId), eq(schema.webhookEndpoints.enabled, true)));
  const targets = endpoints.filter((ep) => ep.events.includes('*') || ep.events.includes(e.type));
  if (targets.length === 0) return 0;
  await tx
    .insert(schema.webhookDeliveries)
    .values(targets.map((t) => ({ endpointId: t.id, eventId: e.id, eventType: e.type, payload: envelope(e), nextAttemptAt: e.occurredAt })))
    .onConflictDoNothing();
  return targets.length;
}
