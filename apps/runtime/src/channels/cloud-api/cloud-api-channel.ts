// The WhatsApp Cloud API channel of one number: sends through the Graph API, refuses free-form
// sends outside the 24-hour customer-service window before any HTTP call (approved templates go
// at any time), and turns a verified webhook batch (read by @waflow/channel/cloud-api) into
// inbound messages, downloading their media through the media id. Inbound does not come through
// `on('inbound')`: the API's webhook route hands the batch to CloudApiNumbers, which persists it
// before answering Meta (persist-first).
import {
  ChannelSendError,
  type Channel,
  type InboundMessage,
  type OutboundMessage,
} from '@waflow/channel';
import {
  CLOUD_MEDIA_PREFIX,
  GraphCallError,
  readPhoneNumber,
  sendGraphMessage,
  type CloudCredentials,
  type GraphConfig,
  type PhoneNumberDetails,
} from '@waflow/channel/cloud-api';
import { ChannelEmitter } from '../channel-emitter.ts';
import type { MediaStorage } from '../whatsapp/media-storage.ts';

/** Meta's customer-service window: free-form messages only within 24 h of the contact's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60_000;

export const OUTSIDE_WINDOW_REASON =
  'Not sent: the contact last wrote more than 24 hours ago, and the Cloud API only delivers approved templates outside that window. The contact has to write first, or the flow has to open with a template (a "Send message" block of kind Template).';

export interface CloudApiChannelOptions {
  numberId: string;
  credentials: CloudCredentials;
  graph: GraphConfig;
  /** When the contact last wrote to this number (persisted inbound), undefined if never. */
  lastInboundAt: (waId: string) => Promise<number | undefined>;
  media: MediaStorage;
  now?: () => number;
}

export class CloudApiChannel extends ChannelEmitter implements Channel {
  readonly numberId: string;
  /** The runtime writes the number's row from our `status` events. */
  readonly writesStatusRow = false;
  details: PhoneNumberDetails | undefined;
  private running = false;
  /** Per contact: their last inbound as last read (a lower bound: they may have written since). */
  private readonly lastInbound = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly opts: CloudApiChannelOptions) {
    super();
    this.numberId = opts.numberId;
    this.now = opts.now ?? Date.now;
  }

  /** Reads the phone number's details: proves the token and the id; `ready` or why not. */
  async start(): Promise<void> {
    this.running = true;
    try {
      this.details = await readPhoneNumber(this.opts.graph, this.opts.credentials);
      this.emit('status', 'ready');
    } catch (err) {
      // Still running: Meta's webhooks are accepted and replies wait in the outbox (retried).
      this.emit(
        'status',
        'disconnected',
        err instanceof Error ? err.message : 'The Graph API did not answer.',
      );
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.emit('status', 'disconnected');
  }

  /** A contact's message was just received: their window is open from `at`. */
  noteInbound(waId: string, at: number): void {
    if ((this.lastInbound.get(waId) ?? 0) < at) this.lastInbound.set(waId, at);
  }

  private async windowOpen(waId: string): Promise<boolean> {
    const cutoff = this.now() - SERVICE_WINDOW_MS;
    if ((this.lastInbound.get(waId) ?? 0) > cutoff) return true;
    const last = await this.opts.lastInboundAt(waId);
    if (last !== undefined) this.noteInbound(waId, last);
    return last !== undefined && last > cutoff;
  }

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    if (!this.running) throw new ChannelSendError('the Cloud API channel is stopped', true);
    // Templates are what Meta delivers outside the window; only free-form messages wait for it.
    if (message.type !== 'template' && !(await this.windowOpen(message.to)))
      throw new ChannelSendError(OUTSIDE_WINDOW_REASON, false);
    try {
      const id = await sendGraphMessage(this.opts.graph, this.opts.credentials, message);
      return { providerMessageId: id };
    } catch (err) {
      if (err instanceof GraphCallError)
        throw new ChannelSendError(err.verdict.reason, err.verdict.transient);
      throw err;
    }
  }

  /**
   * Media the webhook named by id (`cloud-media:<id>`) is fetched now and stored like WhatsApp
   * Web media; when Meta cannot serve it the message keeps the id and says so, it is not dropped.
   */
  async withMedia(message: InboundMessage): Promise<InboundMessage> {
    const ref = message.media?.ref;
    if (!message.media || !ref?.startsWith(CLOUD_MEDIA_PREFIX)) return message;
    const mediaId = ref.slice(CLOUD_MEDIA_PREFIX.length);
    try {
      const data = await this.download(mediaId);
      const saved = await this.opts.media.save(this.numberId, message.messageId, {
        data,
        mimeType: message.media.mimeType,
        ...(message.media.fileName ? { fileName: message.media.fileName } : {}),
      });
      return { ...message, media: { ...message.media, ref: saved } };
    } catch (err) {
      this.emit(
        'status',
        'ready',
        `media ${mediaId} could not be downloaded: ${err instanceof Error ? err.message : String(err)}`,
      );
      return message;
    }
  }

  /** `GET /{media-id}` gives a short-lived URL; that URL, with the same token, gives the bytes. */
  private async download(mediaId: string): Promise<Buffer> {
    const { baseUrl, version, timeoutMs = 15_000 } = this.opts.graph;
    const headers = { authorization: `Bearer ${this.opts.credentials.accessToken}` };
    const meta = await fetch(`${baseUrl.replace(/\/+$/, '')}/${version}/${mediaId}`, {
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!meta.ok) throw new Error(`Graph API answered ${meta.status} for the media id`);
    const { url } = (await meta.json()) as { url?: unknown };
    if (typeof url !== 'string') throw new Error('the Graph API gave no media URL');
    const file = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (!file.ok) throw new Error(`the media URL answered ${file.status}`);
    return Buffer.from(await file.arrayBuffer());
  }
}
