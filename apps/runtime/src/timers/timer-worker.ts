// Fires due timers (ask timeouts, delays, conversation timeouts) and runs pending HTTP requests
// of http blocks. Both are rows in Postgres, so they survive restarts; each turns into an inbound
// event (unique per timer), which the pipeline handles like any message.
import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { schema, type Database } from '@waflow/db';
import type { EgressClient } from '@waflow/egress';
import { EgressError } from '@waflow/egress';
import type { Logger } from '../observability/logger.ts';
import { ingest } from '../pipeline/ingest.ts';
import type { InboundPayload } from '@waflow/db';

export interface TimerWorkerDeps {
  db: Database;
  egress: EgressClient;
  log: Logger;
  now: () => number;
  numberIds: () => string[];
  onEvent: (numberId: string, fromWaId: string) => void;
}

const MAX_HTTP_RESPONSE_BYTES = 1_000_000;

interface HttpPayload {
  kind: 'http';
  requestId: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  timeoutMs: number;
}

function isHttpPayload(p: unknown): p is HttpPayload {
  return typeof p === 'object' && p !== null && (p as { kind?: unknown }).kind === 'http';
}

export class TimerWorker {
  private inFlight = new Set<string>();

  constructor(private readonly deps: TimerWorkerDeps) {}

  /** Fires what is due now; returns how many timers it handled. */
  async tick(limit = 100): Promise<number> {
    const numberIds = this.deps.numberIds();
    if (numberIds.length === 0) return 0;
    const now = new Date(this.deps.now());
    const due = await this.deps.db
      .select({
        timer: schema.timers,
        numberId: schema.conversations.numberId,
        waId: schema.contacts.waId,
      })
      .from(schema.timers)
      .innerJoin(schema.conversations, eq(schema.conversations.id, schema.timers.conversationId))
      .innerJoin(schema.contacts, eq(schema.contacts.id, schema.conversations.contactId))
      .where(
        and(
          isNull(schema.timers.firedAt),
          isNull(schema.timers.cancelledAt),
          lte(schema.timers.dueAt, now),
          inArray(schema.conversations.numberId, numberIds),
        ),
      )
      .orderBy(asc(schema.timers.dueAt))
      .limit(limit);
    let handled = 0;
    for (const { timer, numberId, waId } of due) {
      if (this.inFlight.has(timer.id)) continue;
      this.inFlight.add(timer.id);
      const work = isHttpPayload(timer.payload)
        ? this.runHttp(timer.id, timer.conversationId, timer.payload, numberId, waId)
        : this.fire(timer.id, timer.conversationId, timer.key, numberId, waId);
      handled += 1;
      void work
        .catch((err: unknown) =>
          this.deps.log.error(
            { err, numberId, conversationId: timer.conversationId },
            'timer failed',
          ),
        )
        .finally(() => this.inFlight.delete(timer.id));
    }
    return handled;
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await new Promise((r) => setTimeout(r, 10));
  }

  private async deliver(
    timerId: string,
    numberId: string,
    waId: string,
    payload: InboundPayload,
  ): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await ingest(tx, { numberId, fromWaId: waId, eventId: `timer:${timerId}`, payload });
      await tx
        .update(schema.timers)
        .set({ firedAt: new Date(this.deps.now()) })
        .where(and(eq(schema.timers.id, timerId), sql`${schema.timers.firedAt} is null`));
    });
    this.deps.onEvent(numberId, waId);
  }

  private fire(
    timerId: string,
    conversationId: string,
    key: string,
    numberId: string,
    waId: string,
  ): Promise<void> {
    return this.deliver(timerId, numberId, waId, { kind: 'timer', conversationId, timerId: key });
  }

  /** At least once: a crash during the call runs it again after the restart. */
  private async runHttp(
    timerId: string,
    conversationId: string,
    p: HttpPayload,
    numberId: string,
    waId: string,
  ): Promise<void> {
    let answer: Extract<InboundPayload, { kind: 'http_response' }>;
    const started = performance.now();
    try {
      const res = await this.deps.egress.fetch({
        method: p.method,
        url: p.url,
        headers: {
          'user-agent': 'waflow',
          ...(p.body === null ? {} : { 'content-type': 'application/json' }),
          ...p.headers,
        },
        ...(p.body === null || p.method === 'GET' ? {} : { body: JSON.stringify(p.body) }),
        timeoutMs: p.timeoutMs,
        maxRedirects: 3,
        maxResponseBytes: MAX_HTTP_RESPONSE_BYTES,
      });
      let body: unknown = res.body;
      try {
        body = JSON.parse(res.body);
      } catch {
        /* not JSON: kept as text */
      }
      answer = {
        kind: 'http_response',
        conversationId,
        requestId: p.requestId,
        outcome: 'response',
        status: res.status,
        body,
      };
    } catch (err) {
      const timeout = err instanceof EgressError && err.code === 'EGRESS_TIMEOUT';
      // What the transcript, the simulator and the results show (the engine's notice and
      // http_error): a refused address in plain words, "blocked: 10.0.0.1 is a private address …".
      const error =
        err instanceof EgressError && err.refusal
          ? `blocked: ${err.refusal.reason}`
          : err instanceof Error
            ? err.message
            : String(err);
      answer = {
        kind: 'http_response',
        conversationId,
        requestId: p.requestId,
        outcome: timeout ? 'timeout' : 'error',
        error,
      };
      this.deps.log.warn(
        {
          numberId,
          conversationId,
          code: err instanceof EgressError ? err.code : undefined,
          // The origin only: a path or query may carry a key the flow put there.
          url: originOf(p.url),
          reason: err instanceof Error ? err.message : String(err),
          ms: Math.round(performance.now() - started),
        },
        'http block request failed',
      );
    }
    await this.deliver(timerId, numberId, waId, answer);
  }
}

/** scheme://host[:port] of a URL, or "(not a URL)". */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(not a URL)';
  }
}
