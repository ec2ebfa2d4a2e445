// Drains the outbox of one number through its channel: paced by a token bucket, retried with
// backoff on transient failures, failed with the reason after the maximum, and each row sent at
// most once — the provider's message id is recorded before the row counts as sent, and a row
// found in `sending` after a crash is resolved by the store (see OutboxStore.recoverSending).
import { ChannelSendError, type Channel, type OutboundMessage } from '@waflow/channel';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import { TokenBucket, type TokenBucketOptions } from './token-bucket.ts';

export interface OutboxRow {
  id: string;
  numberId: string;
  attempts: number;
  message: OutboundMessage;
  /**
   * Already recorded as handed to the channel: by the claim or the turn's commit, for each
   * contact's first row (it is sent at once); later rows are recorded just before their turn.
   */
  handed?: boolean;
  /**
   * A restart found it handed but not recorded as sent (OutboxStore.recoverSending): the channel
   * looks it up before it is sent again (Channel.findHanded).
   */
  interrupted?: boolean;
}

/** The sender's view of the outbox table; implemented on drizzle in `outbox-store.ts`. */
export interface OutboxStore {
  /**
   * Moves up to `limit` due rows of the number from queued to sending (attempts + 1) and returns
   * them, oldest first; each contact's first row is recorded as handed too (`handed`): the sender
   * hands it to the channel as soon as the claim answers.
   */
  claimDue(numberId: string, limit: number, now: Date): Promise<OutboxRow[]>;
  /** Records that the row is being handed to the channel: from here on it may have gone out. */
  markHanded(id: string, now: Date): Promise<void>;
  markSent(id: string, providerMessageId: string, now: Date): Promise<void>;
  /** `interrupted`: it may have gone out; the channel looks it up before the retry sends it. */
  markRetry(
    id: string,
    nextAttemptAt: Date,
    error: string,
    opts?: { interrupted?: boolean },
  ): Promise<void>;
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
  /** Each contact's rows in hand, sent one after another: the last one's promise, per contact. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Records of sends still being written. */
  private readonly recording = new Set<Promise<void>>();
  /** Settles once the claim in flight, if any, has put its rows in hand. */
  private claiming: Promise<void> | undefined;

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
   * Sends what is due, as fast as pacing allows: claims as many rows as there are tokens (one
   * query), sends each contact's rows in order and different contacts' rows side by side.
   * Returns how long to wait before the next call is useful (pacing), 0 with `more` when it
   * stopped at `maxRows` (call again at once), or 0 without `more` when nothing is due.
   */
  async drainOnce(maxRows = 50): Promise<{ sent: number; waitMs: number; more: boolean }> {
    let sent = 0;
    while (sent < maxRows) {
      const waitMs = this.bucket.waitTime(this.now());
      if (waitMs > 0) return { sent, waitMs, more: true };
      // The tokens are taken before the claim and what it did not use given back, so a turn
      // reserving its replies meanwhile (reserve) never shares them.
      const room = this.bucket.takeUpTo(maxRows - sent, this.now());
      const claim = this.claim(room);
      this.claiming = claim.then(
        () => undefined,
        () => undefined,
      );
      let rows: OutboxRow[];
      let sending: Promise<void>;
      try {
        ({ rows, sending } = await claim);
      } finally {
        this.claiming = undefined;
      }
      if (rows.length === 0) return { sent, waitMs: 0, more: false };
      await sending;
      sent += rows.length;
      if (rows.length < room) return { sent, waitMs: 0, more: false };
    }
    // The batch is full: there may be more due right now.
    return { sent, waitMs: 0, more: true };
  }

  /** Claims up to `room` due rows (tokens taken) and puts them in hand; gives back unused tokens. */
  private async claim(room: number): Promise<{ rows: OutboxRow[]; sending: Promise<void> }> {
    let rows: OutboxRow[];
    try {
      rows = await this.store.claimDue(this.channel.numberId, room, new Date(this.now()));
    } catch (err) {
      this.bucket.give(room);
      throw err;
    }
    this.bucket.give(room - rows.length);
    return {
      rows,
      sending: Promise.all(rows.map((row) => this.inHand(row))).then(() => undefined),
    };
  }

  /**
   * A turn about to commit `count` replies to `contact` asks to hand them over itself, skipping
   * the claim: yes when pacing has a token for each now (they are taken) and none of the
   * contact's rows is in hand here (order). After the commit, the rows it wrote as `sending` go to
   * `handOver`; tokens of rows it queued instead, or of a commit that failed, come back by `release`.
   */
  reserve(contact: string, count: number): boolean {
    if (this.chains.has(contact) || this.bucket.available(this.now()) < count) return false;
    this.bucket.takeUpTo(count, this.now());
    return true;
  }

  release(count: number): void {
    this.bucket.give(count);
  }

  /**
   * Sends rows a commit wrote as `sending` (see reserve), after the contact's rows in hand. A
   * claim in flight may hold an earlier row of the same contact (claimed before the commit looked,
   * so the commit did not see it queued): the rows wait until the claim's rows are in hand.
   */
  handOver(rows: readonly OutboxRow[]): Promise<void> {
    const send = () => Promise.all(rows.map((row) => this.inHand(row))).then(() => undefined);
    return this.claiming ? this.claiming.then(send) : send();
  }

  /** Resolves when every row in hand went out and was recorded (sent, failed or to retry). */
  async idle(): Promise<void> {
    while (this.chains.size > 0 || this.recording.size > 0)
      await Promise.allSettled([...this.chains.values(), ...this.recording]);
  }

  /**
   * Sends `row` after the contact's rows already in hand (a failed one stops the ones after it);
   * resolves once it is recorded. The contact's next row goes as soon as this one is out: the
   * record that it was sent need not be written first.
   */
  private inHand(row: OutboxRow): Promise<void> {
    const contact = row.message.to;
    const before = this.chains.get(contact);
    const out = before ? before.then(() => this.sendRow(row)) : this.sendRow(row);
    const turn = out.then(() => undefined);
    this.chains.set(contact, turn);
    const forget = () => {
      if (this.chains.get(contact) === turn) this.chains.delete(contact);
    };
    turn.then(forget, forget);
    return out.then((r) => r.recorded);
  }

  /** Hands the row to the channel; resolves once it is out (or its failure recorded), with the record of the send still being written. */
  private async sendRow(row: OutboxRow): Promise<{ recorded: Promise<void> }> {
    let providerMessageId: string;
    // Claimed rows a crash interrupts before this line are sent after the restart; from here on
    // the outcome is unknown to a restart, which then never sends the row again.
    if (!row.handed) await this.store.markHanded(row.id, new Date(this.now()));
    try {
      providerMessageId = await this.hand(row);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Cut off mid-send: retried (after a look-up) only where the channel can look it up.
      const maybeSent = err instanceof ChannelSendError && err.maybeSent;
      const transient =
        err instanceof ChannelSendError
          ? err.transient && (!maybeSent || this.channel.findHanded !== undefined)
          : true;
      if (!transient || row.attempts >= this.opts.maxAttempts) {
        const reason = transient ? `gave up after ${row.attempts} attempts: ${message}` : message;
        await this.store.markFailed(row.id, reason);
        this.opts.onFailed?.(row, reason);
        return { recorded: Promise.resolve() };
      }
      const delay = backoffDelay(row.attempts, this.opts.backoff, this.random);
      await this.store.markRetry(
        row.id,
        new Date(this.now() + delay),
        message,
        maybeSent ? { interrupted: true } : {},
      );
      return { recorded: Promise.resolve() };
    }
    const recorded = this.recordSent(row, providerMessageId);
    this.recording.add(recorded);
    const forget = () => this.recording.delete(recorded);
    recorded.then(forget, forget);
    return { recorded };
  }

  /**
   * Sends the row and answers the network's id. A row a crash interrupted after it was handed is
   * looked up first: found, it is only recorded as sent; not there, it is sent (under the same
   * outbox id, so the channel picks the same message id). A channel that cannot look it up
   * cannot tell, so it is not sent again.
   */
  private async hand(row: OutboxRow): Promise<string> {
    if (row.interrupted) {
      if (!this.channel.findHanded)
        throw new ChannelSendError(
          'interrupted while sending (the process stopped); this channel cannot tell whether it went out, so it was not sent again (no duplicate)',
          false,
        );
      const found = await this.channel.findHanded(row.id, row.message.to);
      if (found) return found.providerMessageId;
    }
    const { providerMessageId } = await this.channel.send(row.message, { outboxId: row.id });
    return providerMessageId;
  }

  /**
   * It went out: record that, and never send it again even when recording fails for a while
   * (the row then stays `sending`, which a restart resolves without a resend).
   */
  private async recordSent(row: OutboxRow, providerMessageId: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.store.markSent(row.id, providerMessageId, new Date(this.now()));
        break;
      } catch (err) {
        if (attempt >= 4) throw err;
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
    this.opts.onSent?.(row, providerMessageId);
  }
}
