// The Twilio WhatsApp channel of one number: sends through Twilio's Messages REST API (menus as
// numbered text, long texts split at Twilio's 1,600 characters, templates by Content SID),
// refuses free-form sends outside the 24-hour window before any HTTP call, asks for status callbacks at our webhook, and fetches
// inbound media from Twilio's media URLs. Inbound comes from the API's webhook route through
// ProviderNumbers (persist-first), not through `on('inbound')`.
import {
  ChannelSendError,
  splitText,
  twilioCapabilities,
  type InboundMessage,
  type OutboundMessage,
} from '@waflow/channel';
import {
  downloadTwilioMedia,
  readTwilioAccount,
  sendTwilioMessage,
  TWILIO_MEDIA_PREFIX,
  TwilioCallError,
  type TwilioConfig,
  type TwilioCredentials,
} from '@waflow/channel/twilio';
import { ChannelEmitter } from '../channel-emitter.ts';
import type { MediaStorage } from '@waflow/channel';
import type { ProviderChannel, ProviderKind } from '../provider/provider-numbers.ts';
import { OUTSIDE_WINDOW_REASON, type ServiceWindow } from '../provider/service-window.ts';

export interface TwilioChannelOptions {
  numberId: string;
  credentials: TwilioCredentials;
  config: TwilioConfig;
  window: ServiceWindow;
  media: MediaStorage;
  /** Where Twilio posts the status callbacks of our sends (needs the public URL). */
  statusCallback?: string;
}

export class TwilioChannel extends ChannelEmitter implements ProviderChannel {
  readonly numberId: string;
  readonly writesStatusRow = false;
  private running = false;

  constructor(private readonly opts: TwilioChannelOptions) {
    super();
    this.numberId = opts.numberId;
  }

  /** The sender's number (`whatsapp:+14155238886` → `+14155238886`), when it is one. */
  get phone(): string | undefined {
    const m = /^(?:whatsapp:)?(\+?\d{5,20})$/.exec(this.opts.credentials.sender.trim());
    return m?.[1] ? (m[1].startsWith('+') ? m[1] : `+${m[1]}`) : undefined;
  }

  /** Reads the account: proves the SID and the token belong together; `ready` or why not. */
  async start(): Promise<void> {
    this.running = true;
    try {
      const account = await readTwilioAccount(this.opts.config, this.opts.credentials);
      if (account.status && account.status !== 'active')
        this.emit('status', 'disconnected', `The Twilio account is ${account.status}.`);
      else this.emit('status', 'ready');
    } catch (err) {
      this.emit('status', 'disconnected', err instanceof Error ? err.message : String(err));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.emit('status', 'disconnected');
  }

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    if (!this.running) throw new ChannelSendError('the Twilio channel is stopped', true);
    // Approved templates (by Content SID) go at any time; free-form messages wait for the window.
    const approved = message.type === 'template' && Boolean(message.contentSid);
    if (!approved && !(await this.opts.window.isOpen(message.to)))
      throw new ChannelSendError(OUTSIDE_WINDOW_REASON, false);
    const parts: OutboundMessage[] =
      message.type === 'text'
        ? splitText(message.text, twilioCapabilities.maxTextLength).map((text) => ({
            to: message.to,
            type: 'text',
            text,
          }))
        : [message];
    const opts = this.opts.statusCallback ? { statusCallback: this.opts.statusCallback } : {};
    let sid = '';
    try {
      for (const part of parts)
        sid = await sendTwilioMessage(this.opts.config, this.opts.credentials, part, opts);
    } catch (err) {
      if (err instanceof TwilioCallError)
        throw new ChannelSendError(err.verdict.reason, err.verdict.transient);
      throw err;
    }
    return { providerMessageId: sid };
  }

  /** Media named by URL (`twilio-media:<url>`) is fetched now and stored like WhatsApp Web media. */
  async withMedia(message: InboundMessage): Promise<InboundMessage> {
    const ref = message.media?.ref;
    if (!message.media || !ref?.startsWith(TWILIO_MEDIA_PREFIX)) return message;
    try {
      const file = await downloadTwilioMedia(
        this.opts.config,
        this.opts.credentials,
        ref.slice(TWILIO_MEDIA_PREFIX.length),
      );
      const saved = await this.opts.media.save(this.numberId, message.messageId, {
        data: file.data,
        mimeType: message.media.mimeType || file.mimeType,
        ...(message.media.fileName ? { fileName: message.media.fileName } : {}),
      });
      return { ...message, media: { ...message.media, ref: saved } };
    } catch (err) {
      this.emit(
        'status',
        'ready',
        `media could not be downloaded: ${err instanceof Error ? err.message : String(err)}`,
      );
      return message;
    }
  }
}

/** Twilio's default: its WhatsApp senders take 80 messages per second. */
export const TWILIO_DEFAULT_MPS = 80;

/**
 * Twilio numbers for ProviderNumbers: settings accountSid and sender, secret authToken.
 * `statusCallbackUrl(numberId)` is where statuses are asked for (undefined without a public URL).
 */
export function twilioProvider(
  config: TwilioConfig,
  statusCallbackUrl: (numberId: string) => string | undefined,
): ProviderKind {
  return {
    kind: 'twilio',
    create: ({ numberId, account, window, media }) => {
      const { accountSid, sender } = account.settings;
      const authToken = account.secrets.authToken;
      if (!accountSid || !sender || !authToken) return undefined;
      const statusCallback = statusCallbackUrl(numberId);
      return new TwilioChannel({
        numberId,
        credentials: { accountSid, authToken, sender },
        config,
        window,
        media,
        ...(statusCallback ? { statusCallback } : {}),
      });
    },
    pacing: () => ({ ratePerSec: TWILIO_DEFAULT_MPS, burst: TWILIO_DEFAULT_MPS }),
  };
}
