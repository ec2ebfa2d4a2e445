// Runs each contact's events one at a time, in arrival order; different contacts in parallel.
// A contact's queue is the inbound_events table itself, so nothing is held only in memory.
import { and, inArray, sql } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { CoordError } from '@waflow/coord';
import {
  processNext,
  StaleFenceError,
  TurnFailedError,
  type PipelineDeps,
  type ProcessOutcome,
} from './process-event.ts';

const MAX_ATTEMPTS = 5;

export class InboundScheduler {
  private running = new Map<string, Promise<void>>();
  private again = new Set<string>();
  private stopped = false;
  private retryTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: PipelineDeps) {}

  /** Makes sure the contact's pending events get processed (now, or right after the current drain). */
  schedule(numberId: string, fromWaId: string): void {
    if (this.stopped) return;
    const key = `${numberId}\u0000${fromWaId}`;
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    const run = this.drain(numberId, fromWaId)
      .catch((err: unknown) => this.deps.log.error({ err, numberId }, 'inbound drain failed'))
      .finally(() => {
        this.running.delete(key);
        if (this.again.delete(key)) this.schedule(numberId, fromWaId);
      });
    this.running.set(key, run);
  }

  private async drain(numberId: string, fromWaId: string): Promise<void> {
    while (!this.stopped) {
      let outcome: ProcessOutcome;
      try {
        outcome = await processNext(this.deps, numberId, fromWaId);
      } catch (err) {
        await this.failed(numberId, fromWaId, err);
        return;
      }
      if (outcome.kind === 'none') return;
      if (outcome.kind === 'wait') {
        this.later(numberId, fromWaId, Math.max(0, outcome.atMs - this.deps.now()));
        return;
      }
      if (!outcome.more) return;
    }
  }

  /** A turn failed: its event goes back to pending (or failed, after MAX_ATTEMPTS), and the contact is tried again later. */
  private async failed(numberId: string, fromWaId: string, err: unknown): Promise<void> {
    const cause = err instanceof TurnFailedError ? err.cause : err;
    if (cause instanceof StaleFenceError) this.deps.counters.inc('checkpoint_stale_fence_total');
    // Without a claim (the lock could not be taken) no event was touched: only try again.
    const attempts = err instanceof TurnFailedError ? err.attempts : 0;
    const fatal = attempts >= MAX_ATTEMPTS && !(cause instanceof CoordError);
    if (err instanceof TurnFailedError) {
      await this.deps.db
        .update(schema.inboundEvents)
        .set({
          status: fatal ? 'failed' : 'pending',
          error: cause instanceof Error ? cause.message : String(cause),
        })
        .where(
          and(
            sql`${schema.inboundEvents.id} = ${err.eventId}`,
            inArray(schema.inboundEvents.status, ['pending', 'processing']),
          ),
        )
        .catch(() => undefined);
    }
    this.deps.log.warn(
      {
        numberId,
        eventId: err instanceof TurnFailedError ? err.eventId : undefined,
        attempts,
        err: cause,
        code: cause instanceof Error && 'code' in cause ? cause.code : undefined,
      },
      'inbound event failed; will retry',
    );
    // Back off, then try this contact again (the rest of the contacts are not held up).
    if (!fatal) this.later(numberId, fromWaId, Math.min(100 * 2 ** Math.max(1, attempts), 10_000));
    else this.later(numberId, fromWaId, 0);
  }

  private later(numberId: string, fromWaId: string, ms: number): void {
    const t = setTimeout(() => {
      this.retryTimers.delete(t);
      this.schedule(numberId, fromWaId);
    }, ms);
    this.retryTimers.add(t);
  }

  /** Schedules every contact with unprocessed events (after a restart or a takeover). */
  async recover(numberIds: string[]): Promise<number> {
    if (numberIds.length === 0) return 0;
    const rows = await this.deps.db
      .selectDistinct({
        numberId: schema.inboundEvents.numberId,
        fromWaId: schema.inboundEvents.fromWaId,
      })
      .from(schema.inboundEvents)
      .where(
        and(
          inArray(schema.inboundEvents.numberId, numberIds),
          inArray(schema.inboundEvents.status, ['pending', 'processing']),
        ),
      );
    for (const r of rows) this.schedule(r.numberId, r.fromWaId);
    return rows.length;
  }

  /** Waits until nothing is being processed. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.retryTimers) clearTimeout(t);
    await this.idle();
  }
}
