// Delivery statuses from the network (sent/delivered/read/failed) applied to the reply's
// transcript row. A status can arrive before our own record of the send: the outbox writes the
// provider's message id a batch at a time (OutboxStore.markSent), and the Cloud API or WhatsApp
// may report "delivered" within those milliseconds. Meta and WhatsApp never repeat a status, so
// one that matches no row yet is tried again for a bounded while instead of being dropped.
import { and, eq } from 'drizzle-orm';
import { schema, type Database } from '@waflow/db';
import type { Logger } from '../observability/logger.ts';

export type AckLevel = 'sent' | 'delivered' | 'read' | 'failed';

/** How long after the first try a status that matched no reply is tried again (ms, cumulative ≈ 16 s). */
export const ACK_RETRY_DELAYS_MS = [50, 100, 250, 500, 1_000, 2_000, 4_000, 8_000] as const;

export class DeliveryAcks {
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly now: () => number,
    private readonly log: Logger,
    private readonly retryDelaysMs: readonly number[] = ACK_RETRY_DELAYS_MS,
  ) {}

  /**
   * Applies one status. Resolves once the first try is done (a webhook answers fast); when no
   * reply carries `providerMessageId` yet, later tries run in the background.
   */
  async record(
    numberId: string,
    providerMessageId: string,
    level: AckLevel,
    error?: string,
  ): Promise<void> {
    // "sent" is written by the outbox with the provider id (OutboxStore.markSent); writing it
    // again here costs a query per reply and could step back over a "delivered" that came first.
    if (level === 'sent') return;
    const at = new Date(this.now());
    const attempt = async (tryNo: number): Promise<void> => {
      const matched = await this.apply(numberId, providerMessageId, level, at, error).catch(
        (err: unknown) => {
          this.log.error({ err, numberId }, 'ack update failed');
          return true; // a database error is not "no such reply yet"; the log says it
        },
      );
      if (matched || this.stopped) return;
      const delay = this.retryDelaysMs[tryNo];
      if (delay === undefined) {
        this.log.warn(
          { numberId, providerMessageId, level },
          'a delivery status matched no reply of this number; it was dropped',
        );
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        void attempt(tryNo + 1);
      }, delay);
      timer.unref();
      this.pending.add(timer);
    };
    await attempt(0);
  }

  /** Drops the statuses still waiting for their reply (the process is stopping). */
  stop(): void {
    this.stopped = true;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }

  private async apply(
    numberId: string,
    providerMessageId: string,
    level: Exclude<AckLevel, 'sent'>,
    at: Date,
    error: string | undefined,
  ): Promise<boolean> {
    const set =
      level === 'delivered'
        ? { status: level, deliveredAt: at }
        : level === 'read'
          ? { status: level, readAt: at }
          : { status: level, ...(error ? { error } : {}) };
    const rows = await this.db
      .update(schema.messages)
      .set(set)
      .where(
        and(
          eq(schema.messages.numberId, numberId),
          eq(schema.messages.waMessageId, providerMessageId),
        ),
      )
      .returning({ id: schema.messages.id });
    return rows.length > 0;
  }
}
