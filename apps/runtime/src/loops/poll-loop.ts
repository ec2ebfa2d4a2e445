// A loop that runs one job, waits, and runs it again: each of the runtime's background jobs
// (timers, webhook deliveries, the retention sweep) has its own, so a slow one never holds up
// another. `wake()` runs the job again as soon as possible; `stop()` waits for the run under way.
import type { Logger } from '../observability/logger.ts';

export class PollLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly job: () => Promise<unknown>,
    private readonly everyMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(this.everyMs);
  }

  /** Runs the job now, or right after the run under way. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), ms);
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.running = this.job().then(
      () => undefined,
      (err: unknown) => this.log.error({ err }, `${this.name} failed`),
    );
    await this.running;
    this.running = undefined;
    if (this.stopped) return;
    const next = this.again ? 0 : this.everyMs;
    this.again = false;
    this.schedule(next);
  }
}
