// Turns a platform or flow event into one durable delivery row per subscribed endpoint, inside
// the caller's transaction (so an event exists exactly when what caused it was committed).
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { executeRows } from '../sql-rows.ts';
import * as schema from '../schema/index.ts';
import type { FlowWebhookEvent, WebhookEventType, WebhookPayloads } from '../webhooks.gen.ts';

interface QueuedEvent<T extends string, D> {
  /** Stable id (the `webhook-id` header): the same on every attempt, so receivers can deduplicate. */
  id: string;
  type: T;
  workspaceId: string;
  data: D;
  occurredAt: Date;
  /** The number it happened on, when one: a simulator number's events go to no endpoint. */
  numberId?: string;
}

/**
 * An event as it is queued, its `data` typed by the event's schema (schemas/webhooks/, generated
 * into webhooks.gen.ts): a platform event, or a flow's own event named by its webhook block.
 */
export type WebhookEvent =
  | { [T in WebhookEventType]: QueuedEvent<T, WebhookPayloads[T]> }[WebhookEventType]
  | QueuedEvent<string, FlowWebhookEvent['data']>;

/** The JSON body every endpoint receives: `{ id, type, timestamp, data }`. */
export function envelope(e: WebhookEvent): Record<string, unknown> {
  return { id: e.id, type: e.type, timestamp: e.occurredAt.toISOString(), data: e.data };
}

/**
 * Simulator traffic is marked by its number: a simulator session is a sandbox number pinned to a
 * draft snapshot (`numbers.pinned_version_id`, set only by the simulator; versions are never
 * deleted). Its conversations, messages and results are not production: they reach no webhook
 * endpoint, and integrator reads leave them out unless asked (`?include=simulator`).
 */
export function isSimulatorNumber(numberId: SQL): SQL {
  return sql`exists (select 1 from ${schema.numbers} sim where sim.id = ${numberId} and sim.pinned_version_id is not null)`;
}

/**
 * Joins the endpoints subscribed to an event — enabled, in the event's workspace, listening to
 * `*` or to its type — as `ep`, in a statement that queues deliveries. `workspaceId`, `eventType`
 * and `numberId` (the number it happened on, null when none) are expressions of that statement
 * (the runtime's commit and sent statements build their events in SQL and join this too).
 */
export function subscribedEndpoints(workspaceId: SQL, eventType: SQL, numberId: SQL): SQL {
  return sql`join ${schema.webhookEndpoints} ep on ep.workspace_id = ${workspaceId} and ep.enabled and ('*' = any(ep.events) or ${eventType} = any(ep.events)) and not ${isSimulatorNumber(numberId)}`;
}

export async function enqueueWebhookEvent(tx: Database, e: WebhookEvent): Promise<number> {
  return enqueueWebhookEvents(tx, [e]);
}

/**
 * Queues events for every enabled endpoint of their workspace subscribed to them, in one
 * statement whatever their number (the pipeline queues a whole batch of turns' events at once).
 * Returns how many deliveries were queued.
 */
export async function enqueueWebhookEvents(
  tx: Database,
  events: readonly WebhookEvent[],
): Promise<number> {
  if (events.length === 0) return 0;
  const rows = JSON.stringify(
    events.map((e) => ({
      id: e.id,
      type: e.type,
      ws: e.workspaceId,
      number_id: e.numberId ?? null,
      at: e.occurredAt.toISOString(),
      body: envelope(e),
    })),
  );
  const queued = await executeRows<{ id: string }>(
    tx,
    sql`
      insert into ${schema.webhookDeliveries} (endpoint_id, event_id, event_type, payload, next_attempt_at)
      select ep.id, ev.id, ev.type, ev.body, ev.at
      from jsonb_to_recordset(${rows}::jsonb) as ev(id text, type text, ws uuid, number_id uuid, at timestamptz, body jsonb)
      ${subscribedEndpoints(sql`ev.ws`, sql`ev.type`, sql`ev.number_id`)}
      on conflict do nothing
      returning id`,
  );
  return queued.length;
}
