// The runtime: attaches channels (sandbox or WhatsApp) to numbers and runs the inbound pipeline,
// the outbox senders, timers and hot reload for them. One instance serves the numbers of one
// worker process (or, in `npm start`, every number, embedded next to the API).
import type { Coordinator } from '@waflow/coord';
import { FLOW_PUBLISHED_CHANNEL, type InboundPayload } from '@waflow/db';
import type { Channel, InboundMessage, NumberStatus, PhoneMessage } from '@waflow/channel';
import { SandboxChannel } from './channels/sandbox/sandbox-channel.ts';
import { FlowLoader } from './flows/flow-loader.ts';
import { defaultEgressPolicy } from '@waflow/egress';
import { createEgressClient, type EgressClient } from '@waflow/egress';
import { Counters } from '@waflow/telemetry';
import { createLogger, type Logger } from './observability/logger.ts';
import { storableInbound } from './pipeline/inbound-text.ts';
import { defaultOutboxOptions, type OutboxSenderOptions } from './outbox/outbox-sender.ts';
import type { OutboxWorker } from './outbox/outbox-worker.ts';
import { DeliveryAcks, type AckLevel } from './outbox/delivery-acks.ts';
import { IngestQueue } from './pipeline/ingest.ts';
import type { InboundScheduler } from './pipeline/scheduler.ts';
import type { CampaignWorker } from './campaigns/campaign-worker.ts';
import { RuntimeNotReadyError, SANDBOX_PACING, type RuntimeOptions } from './runtime-options.ts';
import { createInboundScheduler } from './runtime-scheduler.ts';
import { BackgroundWork } from './background-work.ts';
import { pauseConversationForPerson } from './pipeline/pause-for-person.ts';
import { writeNumberStatus } from './channels/number-status.ts';
import { CoordinationWatch } from './coordination-watch.ts';
import { openOutbox } from './outbox/open-outbox.ts';

interface Attached {
  channel: Channel;
  outbox: OutboxWorker;
  off: (() => void)[];
}

export class Runtime {
  readonly counters = new Counters();
  readonly log: Logger;
  readonly now: () => number;
  readonly flows: FlowLoader;
  readonly scheduler: InboundScheduler;
  readonly egress: EgressClient;
  private readonly work: BackgroundWork;
  private readonly attached = new Map<string, Attached>();
  private readonly ingest: IngestQueue;
  private readonly acks: DeliveryAcks;
  readonly campaigns: CampaignWorker;
  private recoverLoop: NodeJS.Timeout | undefined;
  private readonly coordination: CoordinationWatch;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly pollMs: number;

  constructor(private readonly opts: RuntimeOptions) {
    this.log = opts.log ?? createLogger();
    this.now = opts.now ?? Date.now;
    this.pollMs = opts.pollMs ?? 250;
    this.flows = new FlowLoader(opts.client.db);
    this.ingest = new IngestQueue(opts.client.db);
    this.acks = new DeliveryAcks(opts.client.db, this.now, this.log);
    this.egress = createEgressClient(opts.egressPolicy ?? defaultEgressPolicy);
    const outboxOf = (numberId: string) => this.attached.get(numberId)?.outbox;
    const parts = {
      flows: this.flows,
      log: this.log,
      counters: this.counters,
      now: this.now,
      outboxOf,
    };
    this.scheduler = createInboundScheduler(opts, parts);
    this.work = new BackgroundWork(opts, {
      ...parts,
      egress: this.egress,
      scheduler: this.scheduler,
      numberIds: () => [...this.attached.keys()],
    });
    this.campaigns = this.work.campaigns;
    this.coordination = new CoordinationWatch(
      opts.coord,
      this.log,
      opts.coordHealthMs ?? 1_000,
      () =>
        this.scheduler
          .recover([...this.attached.keys()])
          .catch((err: unknown) => this.log.error({ err }, 'inbound sweep failed')),
    );
  }

  get db() {
    return this.opts.client.db;
  }

  /** The conversation locks this runtime takes (the API erases a contact under theirs). */
  get coord(): Coordinator {
    return this.opts.coord;
  }

  async start(): Promise<void> {
    // Hot reload: a publish anywhere makes sub-flow lookups fresh (numbers always read the
    // version they serve at the start of a conversation).
    this.unlisten = await this.opts.client.listen(FLOW_PUBLISHED_CHANNEL, () =>
      this.flows.invalidate(),
    );
    await this.work.start(this.pollMs);
    // Events other processes persist (the API's handoff releases and API starts, a takeover's
    // backlog) are found by this sweep; in-process ones are scheduled at once.
    this.recoverLoop = setInterval(() => {
      this.scheduler
        .recover([...this.attached.keys()])
        .catch((err: unknown) => this.log.error({ err }, 'inbound sweep failed'));
    }, this.opts.recoverMs ?? 2_000);
    await this.coordination.start();
  }

  /**
   * False while the coordinator (Redis) is unreachable. Conversations then wait: inbound that
   * channels cannot hold back is persisted and stays pending, channels that can wait are refused
   * (RuntimeNotReadyError), and everything pending is taken up as soon as Redis answers again.
   */
  get coordinationReady(): boolean {
    return this.coordination.ok;
  }

  /** Checks the coordinator now; on recovery, schedules every pending conversation at once. */
  checkCoordination(): Promise<boolean> {
    return this.coordination.check();
  }

  /** Fires due timers now (tests advance their clock, then call this). */
  async fireDueTimers(): Promise<number> {
    const n = await this.work.timers.tick();
    await this.work.timers.idle();
    return n;
  }

  /**
   * Serves `numberId` through `channel`: inbound is persisted then processed, the outbox drained,
   * paced by `pacing` when the channel has its own limits (the Cloud API's messages per second),
   * else by the runtime's.
   */
  async attach(
    numberId: string,
    channel: Channel,
    opts: { pacing?: OutboxSenderOptions['pacing'] } = {},
  ): Promise<void> {
    if (this.attached.has(numberId)) throw new Error(`number ${numberId} is already attached`);
    const outbox = await openOutbox(this.db, this.log, numberId, channel, {
      ...defaultOutboxOptions,
      ...this.opts.outbox,
      ...(opts.pacing ? { pacing: opts.pacing } : {}),
      now: this.now,
    });
    const off = [
      channel.on('inbound', (m) => void this.receive(numberId, m)),
      channel.on('ack', (id, level) => void this.recordAck(numberId, id, level)),
      channel.on(
        'humanReply',
        (to, message) =>
          void this.pauseForPerson(numberId, to, message).catch((err: unknown) =>
            this.log.error({ err, numberId }, 'pausing the bot for a person failed'),
          ),
      ),
    ];
    // The WhatsApp channel writes the number's row itself (QR, phone, restarts, in order).
    if (!('writesStatusRow' in channel && channel.writesStatusRow === true))
      off.push(channel.on('status', (s, detail) => void this.setStatus(numberId, s, detail)));
    this.attached.set(numberId, { channel, outbox, off });
    outbox.start();
    await channel.start();
    await this.scheduler.recover([numberId]);
  }

  async detach(numberId: string): Promise<void> {
    const a = this.attached.get(numberId);
    if (!a) return;
    this.attached.delete(numberId);
    for (const f of a.off) f();
    await a.outbox.stop();
    await a.channel.stop();
  }

  /**
   * A sandbox channel for a number (the simulator and the tests), not paced (SANDBOX_PACING):
   * the runtime's pacing keeps a WhatsApp number from being banned, and in the simulator it only
   * made replies lag after the first few.
   */
  async attachSandbox(numberId: string): Promise<SandboxChannel> {
    const existing = this.attached.get(numberId)?.channel;
    if (existing instanceof SandboxChannel) return existing;
    const channel = new SandboxChannel(numberId);
    await this.attach(numberId, channel, { pacing: SANDBOX_PACING });
    return channel;
  }

  channel(numberId: string): Channel | undefined {
    return this.attached.get(numberId)?.channel;
  }

  /** Persist first, then process. Resolves once the event is safely stored. */
  async receive(
    numberId: string,
    received: InboundMessage,
    opts: { canWait?: boolean } = {},
  ): Promise<{ inserted: boolean }> {
    if (opts.canWait && !this.coordination.ok)
      throw new RuntimeNotReadyError(
        Math.max(1, Math.ceil((this.opts.coordHealthMs ?? 1_000) / 1000)) * 2,
      );
    // NULs and lone surrogates (WhatsApp text, profile names) cannot be stored: cleaned, not refused.
    const message = storableInbound(received);
    const payload: InboundPayload = { kind: 'message', message };
    const r = await this.ingest.add({
      numberId,
      fromWaId: message.from,
      eventId: message.messageId,
      payload,
    });
    this.counters.inc(r.inserted ? 'inbound_received_total' : 'inbound_duplicate_total');
    this.scheduler.schedule(numberId, message.from);
    return r;
  }

  /** Other events a conversation reacts to (handoff release, API start), same persisted path. */
  async submit(
    numberId: string,
    fromWaId: string,
    eventId: string,
    payload: InboundPayload,
  ): Promise<{ inserted: boolean }> {
    const r = await this.ingest.add({ numberId, fromWaId, eventId, payload });
    this.scheduler.schedule(numberId, fromWaId);
    return r;
  }

  /**
   * A person wrote to `waId` from the phone: the bot steps back in that conversation for
   * `humanReplyPauseMs` (a conversation is opened in handoff when none is, so the contact's
   * answer does not start the bot over the person). What the person wrote (`message`) goes into
   * the conversation's transcript, by `phone`, once per WhatsApp message id.
   */
  async pauseForPerson(numberId: string, waId: string, message?: PhoneMessage): Promise<void> {
    await pauseConversationForPerson(
      {
        db: this.db,
        coord: this.opts.coord,
        now: this.now,
        humanReplyPauseMs: this.opts.humanReplyPauseMs,
      },
      numberId,
      waId,
      message,
    );
    this.counters.inc('human_reply_pauses_total');
  }

  private async setStatus(numberId: string, status: NumberStatus, detail?: string): Promise<void> {
    await writeNumberStatus(
      { db: this.db, log: this.log, now: this.now },
      numberId,
      status,
      detail,
    );
  }

  /**
   * A delivery status from the network: the reply's row moves on (a `failed` one keeps the
   * network's reason, in plain words, for the transcript and the inbox).
   */
  recordAck(numberId: string, providerMessageId: string, level: AckLevel, error?: string) {
    return this.acks.record(numberId, providerMessageId, level, error);
  }

  /** Waits until every scheduled inbound event is processed (tests, graceful shutdown). */
  async idle(): Promise<void> {
    await this.scheduler.idle();
  }

  async stop(): Promise<void> {
    await this.work.stopLoops();
    if (this.recoverLoop) clearInterval(this.recoverLoop);
    this.coordination.stop();
    await this.unlisten?.();
    this.acks.stop();
    await this.scheduler.stop();
    await this.work.timers.idle();
    // Attempts under way end within their timeout (15 s); their rows are settled before we go.
    await this.work.webhooks?.stop();
    for (const id of [...this.attached.keys()]) await this.detach(id);
    await this.egress.close();
  }
}
