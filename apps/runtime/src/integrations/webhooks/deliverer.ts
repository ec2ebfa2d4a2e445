// Delivers webhook rows: claimed within per-endpoint, per-workspace and per-process caps
// (claim-deliveries.ts), signed (Standard Webhooks; old and new secret during a rotation), POSTed
// through the egress guard with no redirects followed, every attempt recorded, then delivered /
// retried on the schedule / failed / endpoint disabled. Each attempt runs on its own: a tick
// starts what fits and returns, so an endpoint that never answers holds only its own slots.
// At least once: rows a dead process left in `delivering` go back to `pending`, same webhook-id.
import { eq, inArray, lt, sql } from 'drizzle-orm';
import { schema, type Database, type Keyring } from '@waflow/db';
import { EgressError, type EgressClient } from '@waflow/egress';
import { PollLoop } from '../../loops/poll-loop.ts';
import type { Logger } from '../../observability/logger.ts';
import { claimDeliveries, defaultDeliveryLimits, type DeliveryLimits } from './claim-deliveries.ts';
import {
  ATTEMPT_TIMEOUT_MS,
  decide,
  describeOutcome,
  type AttemptOutcome,
} from './delivery-policy.ts';
import { enqueueWebhookEvent } from '@waflow/db';
import { signatureHeaders } from '@waflow/egress';
import { finishDelivery, type Attempt, type DeliveryRow, type Finish } from './settle-delivery.ts';

const RESPONSE_BODY_KEPT = 1024;
/** Attempts (status, latency, truncated response) are kept this long, then pruned. */
export const ATTEMPT_RETENTION_MS = 30 * 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;

export interface DelivererDeps {
  db: Database;
  keyring: Keyring;
  egress: EgressClient;
  log: Logger;
  now: () => number;
  random?: () => number;
  limits?: Partial<DeliveryLimits>;
}

export class WebhookDeliverer {
  private readonly random: () => number;
  private readonly limits: DeliveryLimits;
  private readonly inFlight = new Set<Promise<void>>();
  private loop: PollLoop | undefined;

  constructor(private readonly deps: DelivererDeps) {
    this.random = deps.random ?? Math.random;
    this.limits = { ...defaultDeliveryLimits, ...deps.limits };
  }

  private lastPrune = 0;

  /** Deletes attempts older than the retention (run hourly by tick()); returns how many. */
  async pruneAttempts(): Promise<number> {
    this.lastPrune = this.deps.now();
    const cutoff = new Date(this.deps.now() - ATTEMPT_RETENTION_MS);
    const rows = await this.deps.db
      .delete(schema.webhookAttempts)
      .where(lt(schema.webhookAttempts.at, cutoff))
      .returning({ id: schema.webhookAttempts.id });
    return rows.length;
  }

  /** Puts rows left in `delivering` by a process that died back in the queue. */
  async recover(): Promise<number> {
    const rows = await this.deps.db
      .update(schema.webhookDeliveries)
      .set({ status: 'pending' })
      .where(eq(schema.webhookDeliveries.status, 'delivering'))
      .returning({ id: schema.webhookDeliveries.id });
    return rows.length;
  }

  /** Delivers in its own loop, every `everyMs` and again as soon as an attempt ends. */
  start(everyMs: number): void {
    this.loop = new PollLoop('webhook delivery', () => this.tick(), everyMs, this.deps.log);
    this.loop.start();
  }

  /** Stops the loop and waits for the attempts under way (each ends within its timeout). */
  async stop(): Promise<void> {
    await this.loop?.stop();
    await this.idle();
  }

  /**
   * Claims what is due and fits under the caps and starts those attempts; returns how many it
   * started, without waiting for them (idle() does).
   */
  async tick(): Promise<number> {
    if (this.deps.now() - this.lastPrune >= PRUNE_EVERY_MS) await this.pruneAttempts();
    const ids = await claimDeliveries(
      this.deps.db,
      new Date(this.deps.now()),
      this.limits,
      this.limits.perProcess - this.inFlight.size,
    );
    if (ids.length === 0) return 0;
    // One read for the whole claim, endpoints included.
    const rows = await this.deps.db
      .select({ delivery: schema.webhookDeliveries, endpoint: schema.webhookEndpoints })
      .from(schema.webhookDeliveries)
      .innerJoin(
        schema.webhookEndpoints,
        eq(schema.webhookEndpoints.id, schema.webhookDeliveries.endpointId),
      )
      .where(inArray(schema.webhookDeliveries.id, ids));
    for (const row of rows) {
      const attempt: Promise<void> = this.deliver(row)
        .catch((err: unknown) =>
          this.deps.log.error(
            { err, endpointId: row.endpoint.id, workspaceId: row.endpoint.workspaceId },
            'webhook delivery failed',
          ),
        )
        .finally(() => {
          this.inFlight.delete(attempt);
          this.loop?.wake();
        });
      this.inFlight.add(attempt);
    }
    return ids.length;
  }

  /** Waits until every attempt started has ended. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async deliver({
    delivery,
    endpoint,
  }: {
    delivery: DeliveryRow;
    endpoint: typeof schema.webhookEndpoints.$inferSelect;
  }): Promise<void> {
    const { db, keyring } = this.deps;
    if (!endpoint.enabled) {
      await this.finish(delivery, {
        status: 'failed',
        lastError: `the endpoint is disabled: ${endpoint.disabledReason ?? 'by an admin'}`,
      });
      return;
    }
    const nowMs = this.deps.now();
    const secrets = [keyring.decryptText(endpoint.secret)];
    if (
      endpoint.previousSecret &&
      endpoint.previousSecretUntil &&
      endpoint.previousSecretUntil.getTime() > nowMs
    ) {
      secrets.push(keyring.decryptText(endpoint.previousSecret));
    }
    const body = JSON.stringify(delivery.payload);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'waflow-webhooks/1',
      ...signatureHeaders(secrets, delivery.eventId, Math.floor(nowMs / 1000), body),
    };
    const started = performance.now();
    let outcome: AttemptOutcome;
    let responseBody: string | null = null;
    try {
      const res = await this.deps.egress.fetch({
        method: 'POST',
        url: endpoint.url,
        headers,
        body,
        timeoutMs: ATTEMPT_TIMEOUT_MS,
        maxRedirects: 0,
        maxResponseBytes: 64 * 1024,
      });
      responseBody = res.body.slice(0, RESPONSE_BODY_KEPT);
      outcome = {
        kind: 'response',
        status: res.status,
        ...(res.headers['retry-after'] ? { retryAfter: res.headers['retry-after'] } : {}),
      };
    } catch (err) {
      outcome =
        err instanceof EgressError && err.refusal
          ? { kind: 'refused', ...err.refusal }
          : { kind: 'error', message: err instanceof Error ? err.message : String(err) };
    }
    const latencyMs = Math.round(performance.now() - started);
    // Recorded with the delivery's outcome, in the same statement (see finish()).
    const attempt: Attempt = {
      at: new Date(nowMs),
      statusCode: outcome.kind === 'response' ? outcome.status : null,
      latencyMs,
      responseBody,
      error: outcome.kind === 'response' ? null : describeOutcome(outcome),
      requestHeaders: {
        'webhook-id': headers['webhook-id'],
        'webhook-timestamp': headers['webhook-timestamp'],
      },
    };

    const failingSince = endpoint.failingSince?.getTime();
    const decision = decide(outcome, delivery.attempts, nowMs, failingSince, this.random);
    const code = outcome.kind === 'response' ? outcome.status : null;
    switch (decision.kind) {
      case 'delivered':
        await this.finish(
          delivery,
          {
            status: 'delivered',
            lastResponseCode: code,
            lastError: null,
            deliveredAt: new Date(nowMs),
          },
          attempt,
        );
        if (endpoint.consecutiveFailures > 0 || endpoint.failingSince) {
          await db
            .update(schema.webhookEndpoints)
            .set({ consecutiveFailures: 0, failingSince: null })
            .where(eq(schema.webhookEndpoints.id, endpoint.id));
        }
        return;
      case 'retry':
        await this.finish(
          delivery,
          {
            status: 'pending',
            lastResponseCode: code,
            lastError: describeOutcome(outcome),
            nextAttemptAt: new Date(decision.at),
          },
          attempt,
        );
        break;
      case 'failed':
        await this.finish(
          delivery,
          {
            status: 'failed',
            lastResponseCode: code,
            lastError: `${describeOutcome(outcome)}; ${decision.reason}`,
          },
          attempt,
        );
        break;
      case 'disable-endpoint':
        await this.finish(
          delivery,
          {
            status: 'failed',
            lastResponseCode: code,
            lastError: `${describeOutcome(outcome)}; ${decision.reason}`,
          },
          attempt,
        );
        await db
          .update(schema.webhookEndpoints)
          .set({ enabled: false, disabledReason: decision.reason })
          .where(eq(schema.webhookEndpoints.id, endpoint.id));
        // The web app shows disabled endpoints with their reason; the log carries the notice too.
        this.deps.log.warn(
          {
            event: 'endpoint.disabled',
            endpointId: endpoint.id,
            workspaceId: endpoint.workspaceId,
            reason: decision.reason,
          },
          'webhook endpoint disabled',
        );
        // The workspace's other endpoints hear of it too (this one is disabled, so it gets none).
        await enqueueWebhookEvent(db, {
          id: `evt_disabled_${endpoint.id}_${nowMs}`,
          type: 'endpoint.disabled',
          workspaceId: endpoint.workspaceId,
          occurredAt: new Date(nowMs),
          data: { endpointId: endpoint.id, url: endpoint.url, reason: decision.reason },
        });
        return;
    }
    await db
      .update(schema.webhookEndpoints)
      .set({
        consecutiveFailures: sql`${schema.webhookEndpoints.consecutiveFailures} + 1`,
        failingSince: sql`coalesce(${schema.webhookEndpoints.failingSince}, ${new Date(nowMs).toISOString()}::timestamptz)`,
      })
      .where(eq(schema.webhookEndpoints.id, endpoint.id));
  }

  /** Settles a delivery this process claimed (settle-delivery.ts). */
  private finish(delivery: DeliveryRow, set: Finish, attempt?: Attempt): Promise<void> {
    return finishDelivery(this.deps.db, delivery, set, attempt);
  }
}
