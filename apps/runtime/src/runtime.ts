// The runtime: attaches channels (sandbox or WhatsApp) to numbers and runs the inbound pipeline,
// the outbox senders, timers and hot reload for them. One instance serves the numbers of one
// worker process (or, in `npm start`, every number, embedded next to the API).
import { eq } from 'drizzle-orm';
import { withConversationLock, type Coordinator } from '@waflow/coord';
import {
  createConversation,
  findOpenConversation,
  FLOW_PUBLISHED_CHANNEL,
  handConversationToPerson,
  schema,
  upsertContact,
  upsertContacts,
  type DbClient,
  type InboundPayload,
  type Keyring,
} from '@waflow/db';
import type { Channel, InboundMessage, NumberStatus, PhoneMessage } from '@waflow/channel';
import { SandboxChannel } from './channels/sandbox/sandbox-channel.ts';
import { FlowLoader } from './flows/flow-loader.ts';
import { defaultEgressPolicy, type EgressPolicy } from '@waflow/egress';
import { createEgressClient, type EgressClient } from '@waflow/egress';
import { Counters } from '@waflow/telemetry';
import { createLogger, type Logger } from './observability/logger.ts';
import { storableInbound } from './pipeline/inbound-text.ts';
import { recordPhoneMessage } from './pipeline/phone-message.ts';
import {
  defaultOutboxOptions,
  type OutboxRow,
  type OutboxSenderOptions,
} from './outbox/outbox-sender.ts';
import { createOutboxStore, requeueUnsent } from './outbox/outbox-store.ts';
import { OutboxWorker } from './outbox/outbox-worker.ts';
import { DeliveryAcks, type AckLevel } from './outbox/delivery-acks.ts';
import { IngestQueue } from './pipeline/ingest.ts';
import { Batcher } from './batching/batcher.ts';
import { InboundScheduler } from './pipeline/scheduler.ts';
import type { ContactInput } from './pipeline/process-event.ts';
import { commitTurns } from './pipeline/commit-turns.ts';
import type { TurnWrites } from './pipeline/turn-plan.ts';
import { claimNextEvents, type ClaimedEvent, type ClaimKey } from './pipeline/claim-event.ts';
import { PollLoop } from './loops/poll-loop.ts';
import { RetentionSweeper } from './retention/retention-sweeper.ts';
import { TimerWorker } from './timers/timer-worker.ts';
import { WebhookDeliverer } from './integrations/webhooks/deliverer.ts';
import { CampaignWorker } from './campaigns/campaign-worker.ts';
import { campaignJob } from './campaigns/campaign-job.ts';
import { enqueueWebhookEvent } from '@waflow/db';

/**
 * Thrown by `receive(…, { canWait: true })` while the coordinator (Redis) is unreachable: the
 * caller (the simulator, an agent in the web app) is told to try again, nothing was stored.
 * Channels that cannot wait (WhatsApp does not redeliver) are still persisted, and processed
 * when Redis is back.
 */
export class RuntimeNotReadyError extends Error {
  readonly code = 'RUNTIME_NOT_READY';
  constructor(readonly retryAfterSeconds: number) {
    super(
      'Conversations are paused: the runtime cannot reach Redis. Nothing was stored; try again in a few seconds.',
    );
  }
}

/** The sandbox channel's pacing: a bucket no simulator or test empties, so in effect none. */
export const SANDBOX_PACING: OutboxSenderOptions['pacing'] = { ratePerSec: 1e9, burst: 1e9 };

export interface RuntimeOptions {
  client: DbClient;
  coord: Coordinator;
  log?: Logger;
  now?: () => number;
  egressPolicy?: EgressPolicy;
  outbox?: Partial<OutboxSenderOptions>;
  /** How often timers, webhook deliveries and the retention sweep are polled, each in its own loop (ms). */
  pollMs?: number;
  /** How often unprocessed inbound events written by other processes are looked for (ms). */
  recoverMs?: number;
  /** Decrypts webhook secrets; without it this runtime does not deliver webhooks. */
  keyring?: Keyring;
  /** Test seam, see PipelineDeps.beforeCommit. */
  beforeCommit?: () => Promise<void>;
  /** How long a person replying from the phone pauses the bot in that conversation (ms, default 1 h). */
  humanReplyPauseMs?: number;
  /** How often the coordinator's health is checked when it is Redis (ms, default 1 s). */
  coordHealthMs?: number;
  /**
   * Apply the workspaces' retention periods from a loop of this runtime (default on). The
   * WhatsApp number workers turn it off: their host sweeps once for all of them.
   */
  retention?: boolean;
  /**
   * Count analytics in the turns' commits (default on). Off only to measure what counting costs
   * (bench:analytics runs the pipeline both ways).
   */
  analytics?: boolean;
  /** Campaign pacing's jitter (tests pass a seeded one; default Math.random). */
  random?: () => number;
}

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
  private readonly timers: TimerWorker;
  private readonly webhooks: WebhookDeliverer | undefined;
  private readonly retention: RetentionSweeper | undefined;
  private readonly attached = new Map<string, Attached>();
  private readonly ingest: IngestQueue;
  private readonly acks: DeliveryAcks;
  private timerLoop: PollLoop | undefined;
  private retentionLoop: PollLoop | undefined;
  private campaignLoop: PollLoop | undefined;
  readonly campaigns: CampaignWorker;
  private recoverLoop: NodeJS.Timeout | undefined;
  private healthLoop: NodeJS.Timeout | undefined;
  private coordOk = true;
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
    this.scheduler = new InboundScheduler({
      db: opts.client.db,
      coord: opts.coord,
      flows: this.flows,
      log: this.log,
      counters: this.counters,
      now: this.now,
      contacts: new Batcher<ContactInput, { id: string; name: string | null }>((inputs) =>
        upsertContacts(opts.client.db, inputs),
      ),
      // Contacts whose locks were taken at the same moment claim their events in one statement, and
      // turns ready at the same moment commit in one; what comes while the batcher is busy joins
      // the next batch, so batches grow with the load. Measured in pairs (bench:pipeline): a second
      // claim in flight made Postgres spend ~15-35% more CPU per message and lowered the
      // throughput; a second commit in flight (the commit is one statement) keeps the throughput
      // and Postgres's CPU and takes ~5 ms off the p99: a turn ready during a commit does not wait
      // for all of it.
      claims: new Batcher<ClaimKey, ClaimedEvent | undefined>((keys) =>
        claimNextEvents(opts.client.db, keys),
      ),
      committer: new Batcher<TurnWrites, OutboxRow[]>(
        (turns) => commitTurns(opts.client.db, turns, { analytics: opts.analytics !== false }),
        { concurrency: 2 },
      ),
      onOutbox: (numberId) => this.attached.get(numberId)?.outbox.wake(),
      senders: {
        reserve: (numberId, contact, count) =>
          this.attached.get(numberId)?.outbox.reserve(contact, count) ?? false,
        release: (numberId, count) => this.attached.get(numberId)?.outbox.release(count),
        handOver: (numberId, rows) => {
          const outbox = this.attached.get(numberId)?.outbox;
          if (outbox) outbox.handOver(rows);
          // Detached while the turn committed: nothing went out, the rows wait for the next sender.
          else
            requeueUnsent(
              this.db,
              rows.map((r) => r.id),
            ).catch((err: unknown) =>
              this.log.error({ err, numberId }, 'requeueing unsent replies failed'),
            );
        },
      },
      ...(opts.beforeCommit ? { beforeCommit: opts.beforeCommit } : {}),
    });
    this.timers = new TimerWorker({
      db: opts.client.db,
      egress: this.egress,
      log: this.log,
      now: this.now,
      numberIds: () => [...this.attached.keys()],
      onEvent: (numberId, waId) => this.scheduler.schedule(numberId, waId),
    });
    this.campaigns = new CampaignWorker({
      db: opts.client.db,
      coord: opts.coord,
      log: this.log,
      now: this.now,
      random: opts.random ?? Math.random,
      numberIds: () => [...this.attached.keys()],
      onQueued: (numberId, waId, flowEvent) => {
        if (flowEvent) this.scheduler.schedule(numberId, waId);
        else this.attached.get(numberId)?.outbox.wake();
      },
    });
    this.retention =
      opts.retention === false
        ? undefined
        : new RetentionSweeper({
            db: opts.client.db,
            log: this.log,
            now: this.now,
            counters: this.counters,
          });
    this.webhooks = opts.keyring
      ? new WebhookDeliverer({
          db: opts.client.db,
          keyring: opts.keyring,
          egress: this.egress,
          log: this.log,
          now: this.now,
        })
      : undefined;
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
    const interrupted = await this.webhooks?.recover();
    if (interrupted)
      this.log.warn({ interrupted }, 'webhook deliveries interrupted by a stop were queued again');
    // Three loops, so nothing waits on another: a webhook endpoint that never answers or a long
    // retention sweep cannot hold up a timer (timers start their work and never wait for it).
    this.timerLoop = new PollLoop('timer tick', () => this.timers.tick(), this.pollMs, this.log);
    this.timerLoop.start();
    this.webhooks?.start(this.pollMs);
    this.campaignLoop = new PollLoop(
      'campaign tick',
      campaignJob(this.campaigns, this.now, this.pollMs),
      this.pollMs,
      this.log,
    );
    this.campaignLoop.start();
    const retention = this.retention;
    if (retention) {
      this.retentionLoop = new PollLoop(
        'retention sweep',
        () => retention.tick(),
        this.pollMs,
        this.log,
      );
      this.retentionLoop.start();
    }
    // Events other processes persist (the API's handoff releases and API starts, a takeover's
    // backlog) are found by this sweep; in-process ones are scheduled at once.
    this.recoverLoop = setInterval(() => {
      this.scheduler
        .recover([...this.attached.keys()])
        .catch((err: unknown) => this.log.error({ err }, 'inbound sweep failed'));
    }, this.opts.recoverMs ?? 2_000);
    if (this.opts.coord.kind === 'redis') {
      // The connection may still be opening: give it a few seconds before calling Redis down.
      const deadline = Date.now() + 5_000;
      while (
        !(await this.opts.coord.health().catch(() => ({ ok: false }))).ok &&
        Date.now() < deadline
      )
        await new Promise((r) => setTimeout(r, 100));
      await this.checkCoordination();
      this.healthLoop = setInterval(
        () => void this.checkCoordination(),
        this.opts.coordHealthMs ?? 1_000,
      );
    }
  }

  /**
   * False while the coordinator (Redis) is unreachable. Conversations then wait: inbound that
   * channels cannot hold back is persisted and stays pending, channels that can wait are refused
   * (RuntimeNotReadyError), and everything pending is taken up as soon as Redis answers again.
   */
  get coordinationReady(): boolean {
    return this.coordOk;
  }

  /** Checks the coordinator now; on recovery, schedules every pending conversation at once. */
  async checkCoordination(): Promise<boolean> {
    const h = await this.opts.coord.health().catch((err: unknown) => ({
      ok: false,
      detail: err instanceof Error ? err.message : String(err),
    }));
    if (h.ok !== this.coordOk) {
      this.coordOk = h.ok;
      if (h.ok) {
        this.log.info('Redis is reachable again: conversations resume');
        await this.scheduler
          .recover([...this.attached.keys()])
          .catch((err: unknown) => this.log.error({ err }, 'inbound sweep failed'));
      } else
        this.log.warn(
          { detail: h.detail },
          'Redis is unreachable: conversations wait (inbound is kept), the simulator is refused',
        );
    }
    return h.ok;
  }

  /** Fires due timers now (tests advance their clock, then call this). */
  async fireDueTimers(): Promise<number> {
    const n = await this.timers.tick();
    await this.timers.idle();
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
    const store = createOutboxStore(this.db);
    // Replies a crash interrupted after they were handed over: looked up by channels that can
    // (sent again only when not there), failed with the reason by the others.
    const { lookedUp, failed } = await store.recoverSending(numberId, {
      lookUp: typeof channel.findHanded === 'function',
    });
    if (lookedUp > 0)
      this.log.warn(
        { numberId, interrupted: lookedUp },
        'outbox rows interrupted while sending are looked up in the chat before any resend',
      );
    if (failed > 0)
      this.log.warn(
        { numberId, interrupted: failed },
        'outbox rows interrupted while sending were failed (message.failed), not resent',
      );
    const outbox = new OutboxWorker(
      store,
      channel,
      {
        ...defaultOutboxOptions,
        ...this.opts.outbox,
        ...(opts.pacing ? { pacing: opts.pacing } : {}),
        now: this.now,
      },
      this.log,
    );
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
    if (opts.canWait && !this.coordOk)
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
    const [number] = await this.db
      .select({ workspaceId: schema.numbers.workspaceId, settings: schema.workspaces.settings })
      .from(schema.numbers)
      .innerJoin(schema.workspaces, eq(schema.workspaces.id, schema.numbers.workspaceId))
      .where(eq(schema.numbers.id, numberId));
    if (!number) return;
    // The workspace's setting (Settings → Workspace in the web app), else the runtime's default.
    const minutes = number.settings.humanReplyPauseMinutes;
    const pauseMs =
      typeof minutes === 'number' ? minutes * 60_000 : (this.opts.humanReplyPauseMs ?? 60 * 60_000);
    const until = new Date(this.now() + pauseMs);
    await withConversationLock(this.opts.coord, numberId, waId, async (lock) => {
      const contact = await upsertContact(this.db, {
        workspaceId: number.workspaceId,
        numberId,
        waId,
      });
      const open = await findOpenConversation(this.db, numberId, contact.id);
      const conversation =
        open ??
        (await createConversation(this.db, {
          workspaceId: number.workspaceId,
          numberId,
          contactId: contact.id,
          flowId: null,
          flowVersionId: null,
        }));
      // A take-over in the web app is kept (it lasts until released).
      await handConversationToPerson(this.db, conversation.id, {
        until,
        keepTakeOver: true,
        at: new Date(this.now()),
        ...(lock ? { fence: lock.fence } : {}),
      });
      if (message)
        await recordPhoneMessage(this.db, {
          workspaceId: number.workspaceId,
          numberId,
          conversationId: conversation.id,
          message,
        });
    });
    this.counters.inc('human_reply_pauses_total');
  }

  private async setStatus(numberId: string, status: NumberStatus, detail?: string): Promise<void> {
    const at = new Date(this.now());
    await this.db
      .transaction(async (tx) => {
        const [before] = await tx
          .select({ status: schema.numbers.status, workspaceId: schema.numbers.workspaceId })
          .from(schema.numbers)
          .where(eq(schema.numbers.id, numberId))
          .for('update');
        if (!before) return;
        await tx
          .update(schema.numbers)
          .set({ status, ...(detail === undefined ? {} : { lastError: detail }), heartbeatAt: at })
          .where(eq(schema.numbers.id, numberId));
        if (before.status !== status) {
          await enqueueWebhookEvent(tx, {
            id: `evt_status_${numberId}_${at.getTime()}_${status}`,
            type: 'number.status_changed',
            workspaceId: before.workspaceId,
            numberId,
            occurredAt: at,
            data: { numberId, status, previous: before.status, detail: detail ?? null },
          });
        }
      })
      .catch((err: unknown) => this.log.error({ err, numberId }, 'status update failed'));
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
    await this.timerLoop?.stop();
    await this.retentionLoop?.stop();
    await this.campaignLoop?.stop();
    if (this.recoverLoop) clearInterval(this.recoverLoop);
    if (this.healthLoop) clearInterval(this.healthLoop);
    await this.unlisten?.();
    this.acks.stop();
    await this.scheduler.stop();
    await this.timers.idle();
    // Attempts under way end within their timeout (15 s); their rows are settled before we go.
    await this.webhooks?.stop();
    for (const id of [...this.attached.keys()]) await this.detach(id);
    await this.egress.close();
  }
}
