// Runs each contact's events one at a time, in arrival order; different contacts in parallel.
// A contact's queue is the inbound_events table itself, so nothing is held only in memory.
import { and, inArray, sql } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { CoordError } from '@waflow/coord';
import { nextPendingEvent, processEvent, StaleFenceError, type PipelineDeps } from './process-event.ts';

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
      const ev = await nextPendingEvent(this.deps.db, numberId, fromWaId);
      if (!ev) return;
      try {
        await processEvent(this.deps, ev);
      } catch (err) {
        if (err instanceof StaleFenceError) this.deps.counters.inc('checkpoint_stale_fence_total');
        const attempts = ev.attempts + 1;
        const fatal = attempts >= MAX_ATTEMPTS && !(err instanceof CoordError);
        await this.deps.db
          .update(schema.inboundEvents)
          .set({ status: fatal ? 'failed' : 'pending', error: err instanceof Error ? err.message : String(err) })
          .where(and(sql`${schema.inboundEvents.id} = ${ev.id}`, inArray(schema.inboundEvents.status, ['pending', 'processing'])))
          .catch(() => undefined);
        this.deps.log.warn({ numberId, eventId: ev.id, attempts, code: err instanceof Error && 'code' in err ? err.code : undefined }, 'inbound event failed; will retry');
        if (!fatal) {
          // Back off, then try this contact again (the rest of the contacts are not held up).
          const t = setTimeout(() => {
            this.retryTimers.delete(t);
            this.schedule(numberId, fromWaId);
          }, Math.min(100 * 2 ** attempts, 10_000));
          this.retryTimers.add(t);
        }
        return;
      }
    }
  }

  /** Schedules every contact with unprocessed events (after a restart or a takeover). */
  async recover(numberIds: string[]): Promise<number> {
    if (numberIds.length === 0) return 0;
    const rows = await this.deps.db
      .selectDistinct({ numberId: schema.inboundEvents.numberId, fromWaId: schema.inboundEvents.fromWaId })
      .from(schema.inboundEvents)
      .where(and(inArray(schema.inboundEvents.numberId, numberIds), inArray(schema.inboundEvents.status, ['pending', 'processing'])));
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
