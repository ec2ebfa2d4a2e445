// Serves every number of one official channel (the WhatsApp Cloud API, Twilio) from this process —
// the API's embedded runtime: no Chromium, works on the embedded database. Attaches a channel per
// number at start and when numbers change (NOTIFY numbers_changed), and takes the content of the
// provider's verified webhooks from the API: messages persisted before the API answers the
// provider, statuses recorded as acks.
import { and, eq, isNull } from 'drizzle-orm';
import type { Channel, InboundMessage } from '@waflow/channel';
import {
  lastInboundAt,
  loadChannelAccount,
  NUMBERS_CHANGED_CHANNEL,
  schema,
  type ChannelAccount,
  type DbClient,
  type Keyring,
} from '@waflow/db';
import type { Runtime } from '../../runtime.ts';
import type { OutboxSenderOptions } from '../../outbox/outbox-sender.ts';
import { MediaStorage } from '@waflow/channel';
import { ServiceWindow } from './service-window.ts';

/** A channel of an official provider: inbound comes from the API's webhook route, not `on()`. */
export interface ProviderChannel extends Channel {
  /** Fetches media the webhook named by reference and stores it; the message unchanged if it cannot. */
  withMedia(message: InboundMessage): Promise<InboundMessage>;
  /** Its phone number as the provider knows it, once started. */
  readonly phone?: string | undefined;
}

/** What the factory of a provider's channel is given for one number. */
export interface ProviderChannelInput {
  numberId: string;
  account: ChannelAccount;
  window: ServiceWindow;
  media: MediaStorage;
  now: () => number;
}

export interface ProviderKind {
  kind: 'cloud_api' | 'twilio';
  /** The channel for a number, or undefined when its account lacks what the channel needs. */
  create(input: ProviderChannelInput): ProviderChannel | undefined;
  /** The number's sending pace (the provider's throughput for it). */
  pacing(account: ChannelAccount): OutboxSenderOptions['pacing'];
}

/** What a verified webhook carried for one number. */
export interface ProviderDelivery {
  messages: InboundMessage[];
  statuses: {
    providerMessageId: string;
    level: 'sent' | 'delivered' | 'read' | 'failed';
    error?: { reason: string };
  }[];
}

export interface ProviderNumbersOptions {
  client: DbClient;
  keyring: Keyring;
  runtime: Runtime;
  /** Inbound media is stored under `<dataDir>/media/<numberId>/`. */
  dataDir: string;
}

interface Served {
  channel: ProviderChannel;
  window: ServiceWindow;
  account: ChannelAccount;
}

export class ProviderNumbers {
  private readonly media: MediaStorage;
  private readonly served = new Map<string, Served>();
  private unlisten: (() => Promise<void>) | undefined;
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly provider: ProviderKind,
    private readonly opts: ProviderNumbersOptions,
  ) {
    this.media = new MediaStorage(opts.dataDir);
  }

  async start(): Promise<void> {
    this.unlisten = await this.opts.client.listen(NUMBERS_CHANGED_CHANNEL, () => void this.sync());
    await this.sync();
  }

  /** Attaches the numbers not served yet, detaches removed ones. */
  sync(): Promise<void> {
    return this.serially(() => this.syncOnce());
  }

  /** Serves the number again with its current credentials (after they were changed). */
  attach(numberId: string): Promise<void> {
    return this.serially(() => this.attachNow(numberId));
  }

  /** The account of a number this process serves (settings and secrets), as it was attached. */
  account(numberId: string): ChannelAccount | undefined {
    return this.served.get(numberId)?.account;
  }

  /** One change of the attached set at a time (a NOTIFY and a route may ask at once). */
  private serially(work: () => Promise<void>): Promise<void> {
    this.syncing = this.syncing.then(work, work);
    return this.syncing.catch((err: unknown) =>
      this.opts.runtime.log.error(
        { err, channel: this.provider.kind },
        'attaching the numbers failed',
      ),
    );
  }

  private async syncOnce(): Promise<void> {
    const rows = await this.opts.client.db
      .select({ id: schema.numbers.id })
      .from(schema.numbers)
      .where(and(eq(schema.numbers.channel, this.provider.kind), isNull(schema.numbers.deletedAt)));
    const wanted = new Set(rows.map((r) => r.id));
    for (const id of [...this.served.keys()]) if (!wanted.has(id)) await this.detach(id);
    for (const id of wanted) if (!this.served.has(id)) await this.attachNow(id);
  }

  private async attachNow(numberId: string): Promise<void> {
    const { client, keyring, runtime } = this.opts;
    if (this.served.has(numberId)) await this.detach(numberId);
    const account = await loadChannelAccount(client.db, keyring, numberId);
    if (!account) return;
    const window = new ServiceWindow(
      async (waId) => (await lastInboundAt(client.db, numberId, waId))?.getTime(),
      runtime.now,
    );
    const channel = this.provider.create({
      numberId,
      account,
      window,
      media: this.media,
      now: runtime.now,
    });
    if (!channel) return;
    this.served.set(numberId, { channel, window, account });
    await runtime.attach(numberId, channel, { pacing: this.provider.pacing(account) });
    if (channel.phone)
      await client.db
        .update(schema.numbers)
        .set({ phone: channel.phone })
        .where(eq(schema.numbers.id, numberId));
  }

  /**
   * A verified webhook's content for one number: every message persisted (idempotent on the
   * provider's id: redeliveries are counted, not processed again), every status recorded.
   * Resolves once all is stored; the API answers the provider only then.
   */
  async deliver(numberId: string, delivery: ProviderDelivery): Promise<{ inserted: number }> {
    const { runtime } = this.opts;
    const served = this.served.get(numberId);
    let inserted = 0;
    for (const received of delivery.messages) {
      const message = served ? await served.channel.withMedia(received) : received;
      const r = await runtime.receive(numberId, message);
      served?.window.note(message.from, runtime.now());
      if (r.inserted) inserted += 1;
    }
    for (const s of delivery.statuses)
      await runtime.recordAck(numberId, s.providerMessageId, s.level, s.error?.reason);
    return { inserted };
  }

  private async detach(numberId: string): Promise<void> {
    this.served.delete(numberId);
    await this.opts.runtime.detach(numberId);
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    for (const id of [...this.served.keys()]) await this.detach(id);
  }
}
