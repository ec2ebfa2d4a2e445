// Drains the outbox of one number through its channel: paced by a token bucket, retried with
// backoff on transient failures, failed with the reason after the maximum, and each row sent at
// most once — the provider's message id is recorded before the row counts as sent, and a row
// found in `sending` after a crash is resolved by the store (see OutboxStore.recoverSending).
import { ChannelSendError, type Channel, type OutboundMessage } from '../channels/channel.ts';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import { TokenBucket, type TokenBucketOptions } from './token-bucket.ts';

export interface OutboxRow {
  id: string;
  numberId: string;
  attempts: number;
  message: OutboundMessage;
}

/** The sender's view of the outbox table; implemented on drizzle in `outbox-store.ts`. */
export interface OutboxStore {
  /** Moves up to `limit` due rows of the number from queued to sending (attempts + 1) and returns them, oldest first. */
  claimDue(numberId: string, limit: number, now: Date): Promise<OutboxRow[]>;
  markSent(id: string, providerMessageId: string, now: Date): Promise<void>;
  markRetry(id: string, nextAttemptAt: Date, error: string): Promise<void>;
  markFailed(id: string, error: string): Promise<void>;
}

export interface OutboxSenderOptions {
  pacing: TokenBucketOptions;
  backoff: BackoffOptions;
  maxAttempts: number;
  now?: () => number;
  random?: () => number;
  onSent?: (row: OutboxRow, providerMessageId: string) => void;
  onFailed?: (row: OutboxRow, error: string) => void;
}

export const defaultOutboxOptions: OutboxSenderOptions = {
  pacing: { ratePerSec: 1, burst: 3 },
  backoff: { baseMs: 2_000, maxMs: 5 * 60_000 },
  maxAttempts: 8,
};

export class OutboxSender {
  private readonly bucket: TokenBucket;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly store: OutboxStore,
    private readonly channel: Channel,
    private readonly opts: OutboxSenderOptions = defaultOutboxOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.bucket = new TokenBucket(opts.pacing, this.now());
  }

  /**
   * Sends what is due, one row at a time, as fast as pacing allows.
   * Returns how long to wait before the next call is useful (pacing), or 0 when it drained all.
   */
  async drainOnce(maxRows = 20): Promise<{ sent: number; waitMs: number }> {
    let sent = 0;
    while (sent < maxRows) {
      const waitMs = this.bucket.waitTime(this.now());
      if (waitMs > 0) return { sent, waitMs };
      const [row] = await this.store.claimDue(this.channel.numberId, 1, new Date(this.now()));
      if (!row) return { sent, waitMs: 0 };
      this.bucket.take(this.now());
      await this.sendRow(row);
      sent += 1;
    }
    return { sent, waitMs: 0 };
  }

  private async sendRow(row: OutboxRow): Promise<void> {
    try {
      const { providerMessageId } = await this.channel.send(row.message);
      await this.store.markSent(row.id, providerMessageId, new Date(this.now()));
      this.opts.onSent?.(row, providerMessageId);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const transient = err instanceof ChannelSendError ? err.transient : true;
      if (!transient || row.attempts >= this.opts.maxAttempts) {
        const reason = transient ? `gave up after ${row.attempts} attempts: ${message}` : message;
        await this.store.markFailed(row.id, reason);
        this.opts.onFailed?.(row, reason);
        return;
      }
      const delay = backoffDelay(row.attempts, this.opts.backoff, this.random);
      await this.store.markRetry(row.id, new Date(this.now() + delay), message);
    }
  }
}
