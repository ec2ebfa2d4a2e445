// A Runtime's background work, each in its own loop so nothing waits on another: timers (and the
// http calls of http blocks), campaigns, the retention sweep, and webhook deliveries (only with a
// keyring to decrypt their secrets).
import type { EgressClient } from '@waflow/egress';
import { CampaignWorker } from './campaigns/campaign-worker.ts';
import { campaignJob } from './campaigns/campaign-job.ts';
import { WebhookDeliverer } from './integrations/webhooks/deliverer.ts';
import { PollLoop } from './loops/poll-loop.ts';
import type { InboundScheduler } from './pipeline/scheduler.ts';
import { RetentionSweeper } from './retention/retention-sweeper.ts';
import type { RuntimeOptions } from './runtime-options.ts';
import type { RuntimeParts } from './runtime-scheduler.ts';
import { TimerWorker } from './timers/timer-worker.ts';

export interface BackgroundParts extends RuntimeParts {
  egress: EgressClient;
  scheduler: InboundScheduler;
  /** The numbers attached here. */
  numberIds: () => string[];
}

export class BackgroundWork {
  readonly timers: TimerWorker;
  readonly campaigns: CampaignWorker;
  readonly webhooks: WebhookDeliverer | undefined;
  private readonly retention: RetentionSweeper | undefined;
  private timerLoop: PollLoop | undefined;
  private retentionLoop: PollLoop | undefined;
  private campaignLoop: PollLoop | undefined;

  constructor(
    opts: RuntimeOptions,
    private readonly rt: BackgroundParts,
  ) {
    this.timers = new TimerWorker({
      db: opts.client.db,
      egress: rt.egress,
      log: rt.log,
      now: rt.now,
      numberIds: rt.numberIds,
      onEvent: (numberId, waId) => rt.scheduler.schedule(numberId, waId),
    });
    this.campaigns = new CampaignWorker({
      db: opts.client.db,
      coord: opts.coord,
      log: rt.log,
      now: rt.now,
      random: opts.random ?? Math.random,
      numberIds: rt.numberIds,
      onQueued: (numberId, waId, flowEvent) => {
        if (flowEvent) rt.scheduler.schedule(numberId, waId);
        else rt.outboxOf(numberId)?.wake();
      },
    });
    this.retention =
      opts.retention === false
        ? undefined
        : new RetentionSweeper({
            db: opts.client.db,
            log: rt.log,
            now: rt.now,
            counters: rt.counters,
          });
    this.webhooks = opts.keyring
      ? new WebhookDeliverer({
          db: opts.client.db,
          keyring: opts.keyring,
          egress: rt.egress,
          log: rt.log,
          now: rt.now,
        })
      : undefined;
  }

  /** Queues again the deliveries a stop interrupted, then starts the loops. */
  async start(pollMs: number): Promise<void> {
    const interrupted = await this.webhooks?.recover();
    if (interrupted)
      this.rt.log.warn(
        { interrupted },
        'webhook deliveries interrupted by a stop were queued again',
      );
    // Three loops, so nothing waits on another: a webhook endpoint that never answers or a long
    // retention sweep cannot hold up a timer (timers start their work and never wait for it).
    this.timerLoop = new PollLoop('timer tick', () => this.timers.tick(), pollMs, this.rt.log);
    this.timerLoop.start();
    this.webhooks?.start(pollMs);
    this.campaignLoop = new PollLoop(
      'campaign tick',
      campaignJob(this.campaigns, this.rt.now, pollMs),
      pollMs,
      this.rt.log,
    );
    this.campaignLoop.start();
    const retention = this.retention;
    if (retention) {
      this.retentionLoop = new PollLoop(
        'retention sweep',
        () => retention.tick(),
        pollMs,
        this.rt.log,
      );
      this.retentionLoop.start();
    }
  }

  /** Stops the loops (the attempts under way are waited for by the runtime's stop). */
  async stopLoops(): Promise<void> {
    await this.timerLoop?.stop();
    await this.retentionLoop?.stop();
    await this.campaignLoop?.stop();
  }
}
