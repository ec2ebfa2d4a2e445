// Keeps one number's outbox drained: sends what is due, sleeps until pacing allows or until a
// turn queues more (wake()), and polls now and then for retries coming due. A turn's replies that
// pacing lets through at once skip the queue: the commit writes them as `sending` and hands them
// over here (reserve, handOver).
import type { Channel } from '@waflow/channel';
import type { Logger } from '../observability/logger.ts';
import {
  OutboxSender,
  type OutboxRow,
  type OutboxSenderOptions,
  type OutboxStore,
} from './outbox-sender.ts';

export class OutboxWorker {
  private sender: OutboxSender;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  /** A wake() that came while draining: drain again at once instead of sleeping. */
  private woken = false;
  private loop: Promise<void> | undefined;

  constructor(
    store: OutboxStore,
    private readonly channel: Channel,
    opts: OutboxSenderOptions,
    private readonly log: Logger,
    private readonly pollMs = 1_000,
  ) {
    this.sender = new OutboxSender(store, channel, opts);
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** A committing turn's replies to `contact` may skip the claim (OutboxSender.reserve). */
  reserve(contact: string, count: number): boolean {
    return !this.stopped && this.sender.reserve(contact, count);
  }

  release(count: number): void {
    this.sender.release(count);
  }

  /** Sends rows a commit wrote as `sending` for this worker (after reserve). */
  handOver(rows: readonly OutboxRow[]): void {
    this.sender
      .handOver(rows)
      .catch((err: unknown) =>
        this.log.error({ err, numberId: this.channel.numberId }, 'outbox send failed'),
      );
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let waitMs = this.pollMs;
      this.woken = false;
      try {
        const r = await this.sender.drainOnce();
        if (r.more && r.waitMs === 0) continue;
        waitMs = r.waitMs > 0 ? r.waitMs : this.pollMs;
      } catch (err) {
        this.log.error({ err, numberId: this.channel.numberId }, 'outbox drain failed');
      }
      if (this.stopped) break;
      if (this.woken && waitMs === this.pollMs) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, waitMs);
        this.wakeUp = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    await this.sender.idle();
  }
}
