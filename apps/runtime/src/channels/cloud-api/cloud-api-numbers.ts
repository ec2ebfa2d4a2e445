// Serves every Cloud API number from this process (the API's embedded runtime: no Chromium, works
// on the embedded database): attaches a CloudApiChannel per number at start and when numbers
// change (NOTIFY numbers_changed), and takes the batches of verified webhooks from the API —
// messages persisted before the API answers Meta, statuses recorded as acks.
import { and, eq, isNull } from 'drizzle-orm';
import type { CloudWebhookBatch, GraphConfig } from '@waflow/channel/cloud-api';
import {
  lastInboundAt,
  loadChannelAccount,
  type ChannelAccount,
  NUMBERS_CHANGED_CHANNEL,
  schema,
  type DbClient,
  type Keyring,
} from '@waflow/db';
import type { Runtime } from '../../runtime.ts';
import { MediaStorage } from '../whatsapp/media-storage.ts';
import { CloudApiChannel } from './cloud-api-channel.ts';

/** Meta's default throughput for a Cloud API number (messages per second). */
export const CLOUD_API_DEFAULT_MPS = 80;

export interface CloudApiNumbersOptions {
  client: DbClient;
  keyring: Keyring;
  runtime: Runtime;
  graph: GraphConfig;
  /** Inbound media is stored under `<dataDir>/media/<numberId>/`. */
  dataDir: string;
}

export class CloudApiNumbers {
  private readonly media: MediaStorage;
  private readonly channels = new Map<string, CloudApiChannel>();
  /** The accounts of the numbers served, as attached: the webhook route checks signatures with them. */
  private readonly accounts = new Map<string, ChannelAccount>();
  private unlisten: (() => Promise<void>) | undefined;
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: CloudApiNumbersOptions) {
    this.media = new MediaStorage(opts.dataDir);
  }

  async start(): Promise<void> {
    this.unlisten = await this.opts.client.listen(NUMBERS_CHANGED_CHANNEL, () => void this.sync());
    await this.sync();
  }

  /** Attaches the Cloud API numbers not served yet, detaches removed ones. */
  sync(): Promise<void> {
    return this.serially(() => this.syncOnce());
  }

  /** Serves the number again with its current credentials (after they were changed). */
  attach(numberId: string): Promise<void> {
    return this.serially(() => this.attachNow(numberId));
  }

  /** One change of the attached set at a time (a NOTIFY and a route may ask at once). */
  private serially(work: () => Promise<void>): Promise<void> {
    this.syncing = this.syncing.then(work, work);
    return this.syncing.catch((err: unknown) =>
      this.opts.runtime.log.error({ err }, 'attaching the Cloud API numbers failed'),
    );
  }

  private async syncOnce(): Promise<void> {
    const rows = await this.opts.client.db
      .select({ id: schema.numbers.id })
      .from(schema.numbers)
      .where(and(eq(schema.numbers.channel, 'cloud_api'), isNull(schema.numbers.deletedAt)));
    const wanted = new Set(rows.map((r) => r.id));
    for (const id of [...this.channels.keys()]) if (!wanted.has(id)) await this.detach(id);
    for (const id of wanted) if (!this.channels.has(id)) await this.attachNow(id);
  }

  private async attachNow(numberId: string): Promise<void> {
    const { client, keyring, runtime, graph } = this.opts;
    const account = await loadChannelAccount(client.db, keyring, numberId);
    const phoneNumberId = account?.settings.phoneNumberId;
    const accessToken = account?.secrets.accessToken;
    if (this.channels.has(numberId)) await this.detach(numberId);
    if (!account || !phoneNumberId || !accessToken) return;
    const channel = new CloudApiChannel({
      numberId,
      credentials: { phoneNumberId, accessToken },
      graph,
      media: this.media,
      now: runtime.now,
      lastInboundAt: async (waId) => (await lastInboundAt(client.db, numberId, waId))?.getTime(),
    });
    this.channels.set(numberId, channel);
    this.accounts.set(numberId, account);
    // Meta's throughput per number: 80 messages/s unless the number was upgraded (up to 1,000).
    const perSecond = Number(account?.settings.messagesPerSecond ?? CLOUD_API_DEFAULT_MPS);
    const ratePerSec =
      Number.isFinite(perSecond) && perSecond > 0 ? perSecond : CLOUD_API_DEFAULT_MPS;
    await runtime.attach(numberId, channel, {
      pacing: { ratePerSec, burst: Math.max(1, Math.ceil(ratePerSec)) },
    });
    if (channel.details?.displayPhoneNumber)
      await client.db
        .update(schema.numbers)
        .set({ phone: channel.details.displayPhoneNumber })
        .where(eq(schema.numbers.id, numberId));
  }

  /**
   * A verified webhook's content for one number: every message persisted (idempotent on the
   * wamid: Meta's redeliveries are counted, not processed again), every status recorded. Resolves
   * once all is stored; the API answers Meta only then.
   */
  async deliver(numberId: string, batch: CloudWebhookBatch): Promise<{ inserted: number }> {
    const { runtime } = this.opts;
    const channel = this.channels.get(numberId);
    let inserted = 0;
    for (const received of batch.messages) {
      const message = channel ? await channel.withMedia(received) : received;
      const r = await runtime.receive(numberId, message);
      channel?.noteInbound(message.from, runtime.now());
      if (r.inserted) inserted += 1;
    }
    for (const s of batch.statuses)
      await runtime.recordAck(numberId, s.providerMessageId, s.level, s.error?.reason);
    return { inserted };
  }

  /** The account of a number this process serves (settings and secrets), as it was attached. */
  account(numberId: string): ChannelAccount | undefined {
    return this.accounts.get(numberId);
  }

  private async detach(numberId: string): Promise<void> {
    this.channels.delete(numberId);
    this.accounts.delete(numberId);
    await this.opts.runtime.detach(numberId);
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    for (const id of [...this.channels.keys()]) await this.detach(id);
  }
}
