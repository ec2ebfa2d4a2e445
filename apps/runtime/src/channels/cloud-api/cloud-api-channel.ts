// The WhatsApp Cloud API channel of one number: sends through the Graph API, refuses free-form
// sends outside the 24-hour customer-service window before any HTTP call (approved templates go
// at any time), and turns a verified webhook batch (read by @waflow/channel/cloud-api) into
// inbound messages, downloading their media through the media id. Inbound does not come through
// `on('inbound')`: the API's webhook route hands the batch to ProviderNumbers, which persists it
// before answering Meta (persist-first).
import {
  ChannelSendError,
  isMediaRef,
  mimeOfRef,
  type InboundMessage,
  type MediaStorage,
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
  CLOUD_UPLOAD_PREFIX,
  uploadGraphMedia,
} from '@waflow/channel/cloud-api';
import { ChannelEmitter } from '../channel-emitter.ts';
import type { ProviderChannel, ProviderKind } from '../provider/provider-numbers.ts';
import { OUTSIDE_WINDOW_REASON, type ServiceWindow } from '../provider/service-window.ts';

export interface CloudApiChannelOptions {
  numberId: string;
  credentials: CloudCredentials;
  graph: GraphConfig;
  window: ServiceWindow;
  media: MediaStorage;
}

export class CloudApiChannel extends ChannelEmitter implements ProviderChannel {
  readonly numberId: string;
  /** The runtime writes the number's row from our `status` events. */
  readonly writesStatusRow = false;
  details: PhoneNumberDetails | undefined;
  private running = false;

  constructor(private readonly opts: CloudApiChannelOptions) {
    super();
    this.numberId = opts.numberId;
  }

  get phone(): string | undefined {
    return this.details?.displayPhoneNumber || undefined;
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

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    if (!this.running) throw new ChannelSendError('the Cloud API channel is stopped', true);
    // Templates are what Meta delivers outside the window; only free-form messages wait for it.
    if (message.type !== 'template' && !(await this.opts.window.isOpen(message.to)))
      throw new ChannelSendError(OUTSIDE_WINDOW_REASON, false);
    try {
      const id = await sendGraphMessage(
        this.opts.graph,
        this.opts.credentials,
        await this.uploaded(message),
      );
      return { providerMessageId: id };
    } catch (err) {
      if (err instanceof GraphCallError)
        throw new ChannelSendError(err.verdict.reason, err.verdict.transient);
      throw err;
    }
  }

  /**
   * A file of the data folder (a team member's attachment) is uploaded to the Graph API first and
   * sent by its media id: Meta fetches links itself, and our data folder is not on the internet.
   */
  private async uploaded(message: OutboundMessage): Promise<OutboundMessage> {
    if (message.type !== 'media' || !isMediaRef(message.url)) return message;
    let data: Buffer;
    try {
      data = await this.opts.media.read(message.url);
    } catch {
      throw new ChannelSendError(`the file ${message.url} is no longer in the data folder`, false);
    }
    const id = await uploadGraphMedia(this.opts.graph, this.opts.credentials, {
      data,
      mimeType: mimeOfRef(message.url),
      fileName: message.fileName ?? message.url.split('/').pop() ?? 'file',
    });
    return { ...message, url: `${CLOUD_UPLOAD_PREFIX}${id}` };
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

/** Meta's default throughput for a Cloud API number (messages per second). */
export const CLOUD_API_DEFAULT_MPS = 80;

/** Cloud API numbers for ProviderNumbers: settings phoneNumberId (+ messagesPerSecond), secret accessToken. */
export function cloudApiProvider(graph: GraphConfig): ProviderKind {
  return {
    kind: 'cloud_api',
    create: ({ numberId, account, window, media }) => {
      const phoneNumberId = account.settings.phoneNumberId;
      const accessToken = account.secrets.accessToken;
      if (!phoneNumberId || !accessToken) return undefined;
      return new CloudApiChannel({
        numberId,
        credentials: { phoneNumberId, accessToken },
        graph,
        window,
        media,
      });
    },
    // Meta's throughput per number: 80 messages/s unless the number was upgraded (up to 1,000).
    pacing: (account) => {
      const perSecond = Number(account.settings.messagesPerSecond ?? CLOUD_API_DEFAULT_MPS);
      const ratePerSec =
        Number.isFinite(perSecond) && perSecond > 0 ? perSecond : CLOUD_API_DEFAULT_MPS;
      return { ratePerSec, burst: Math.max(1, Math.ceil(ratePerSec)) };
    },
  };
}
