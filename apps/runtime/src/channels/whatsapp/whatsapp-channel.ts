// The WhatsApp channel: one number served through whatsapp-web.js driving the system Chromium.
// It maps the library's events to the runtime's channel events (inbound-message.ts) and sends the
// replies (outbound-content.ts), one at a time through the page, with the number's manners. The
// client's life and the number's row are client-lifecycle.ts's.
import type { Client, Message, MessageContent, MessageSendOptions } from 'whatsapp-web.js';
import {
  ChannelSendError,
  MediaStorage,
  templateAsText,
  type Channel,
  type HandedMessage,
  type OutboundMessage,
  type SendOptions,
} from '@waflow/channel';
import { EgressError } from '@waflow/egress';
import {
  assignNextMessageId,
  findAssignedMessage,
  messageIdFor,
  serializedOwnId,
} from './assigned-ids.ts';
import { defaultManners, typingDelayMs, type Manners } from './manners.ts';
import { errorText, WhatsAppClientLifecycle } from './client-lifecycle.ts';
import { isUserChat, phoneMessage, toInbound } from './inbound-message.ts';
import { chatIdOf, outboundContent } from './outbound-content.ts';
import type { WhatsAppChannelOptions } from './whatsapp-options.ts';

export type { SessionOptions, WhatsAppChannelOptions } from './whatsapp-options.ts';

export class WhatsAppChannel extends WhatsAppClientLifecycle implements Channel {
  /** The runtime leaves the number's row to this channel (it writes QR, phone and restarts too). */
  readonly writesStatusRow = true;
  private readonly manners: Manners;
  private readonly media: MediaStorage;
  /** Ids of messages the bot sent, so `message_create` can tell a person's message apart. */
  private readonly sentIds = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Sends reach the page one at a time: each takes the message id assigned just before it. */
  private pageTurn: Promise<unknown> = Promise.resolve();

  constructor(opts: WhatsAppChannelOptions) {
    super(opts);
    this.manners = { ...defaultManners, ...opts.manners };
    this.media = new MediaStorage(opts.dataDir);
  }

  protected override async onInbound(client: Client, msg: Message): Promise<void> {
    if (msg.fromMe || !isUserChat(msg.from) || msg.isStatus) return;
    try {
      const inbound = await toInbound(msg, this.media, this.numberId, this.log);
      if (!inbound) return;
      this.emit('inbound', inbound);
      if (this.manners.markSeen)
        await client
          .sendSeen(msg.from)
          .catch((err: unknown) => this.log.debug({ err }, 'mark seen failed'));
    } catch (err) {
      this.log.error({ err, messageId: msg.id._serialized }, 'inbound message could not be read');
    }
  }

  /** A fromMe message: the bot's own send, or a person typing on the phone. */
  protected override async onOwnMessage(msg: Message): Promise<void> {
    if (!isUserChat(msg.to)) return;
    // The library reports our own sends before sendMessage() returns their id.
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    if (this.sentIds.has(msg.id._serialized)) return;
    this.log.info('a person replied from the phone; the bot steps back in that conversation');
    this.emit('humanReply', msg.to, phoneMessage(msg));
  }

  /**
   * Looks up, by the id `send` assigned from `outboxId`, whether a reply handed over before a
   * crash is in the contact's chat (see assigned-ids.ts).
   */
  async findHanded(outboxId: string, to: string): Promise<HandedMessage | null> {
    const client = this.client;
    if (!client || !this.ready)
      throw new ChannelSendError(
        `WhatsApp is not connected for this number (status ${this.status}): the interrupted reply is looked up once it is`,
        true,
      );
    return findAssignedMessage(client, chatIdOf(to), outboxId);
  }

  async send(
    outbound: OutboundMessage,
    opts?: SendOptions,
  ): Promise<{ providerMessageId: string }> {
    // WhatsApp Web has no templates: a template goes as its (fallback) text.
    const message = templateAsText(outbound);
    const client = this.client;
    if (!client || !this.ready)
      throw new ChannelSendError(
        `WhatsApp is not connected for this number (status ${this.status})`,
        true,
      );
    const chatId = chatIdOf(message.to);
    let content: MessageContent;
    const options: MessageSendOptions = {};
    try {
      content = await outboundContent(message, options, this.media, this.opts.egress);
    } catch (err) {
      // A URL the egress policy refuses (or too big, or malformed) will not change on a retry.
      const permanent =
        err instanceof EgressError &&
        err.code !== 'EGRESS_TIMEOUT' &&
        err.code !== 'EGRESS_NETWORK';
      throw new ChannelSendError(`the media could not be prepared: ${errorText(err)}`, !permanent);
    }
    await this.showTyping(
      client,
      chatId,
      message.type === 'text'
        ? message.text
        : message.type === 'media'
          ? (message.caption ?? '')
          : '',
    );
    if (this.client !== client || !this.ready)
      throw new ChannelSendError('WhatsApp reconnected while the reply was being typed', true);
    const ownId = opts ? messageIdFor(opts.outboxId) : undefined;
    // Known before the page reports it: its message_create is never taken for a person's.
    if (ownId) this.sentIds.add(serializedOwnId(chatId, ownId));
    const sending = this.inPageTurn(async () => {
      if (ownId)
        await assignNextMessageId(client, ownId).catch((err: unknown) =>
          this.log.warn({ err }, 'could not assign the message id; WhatsApp Web picks one'),
        );
      return client.sendMessage(chatId, content, { ...options, sendSeen: false });
    });
    const tracked = sending.then((m) => this.sentIds.add(m.id._serialized));
    this.inFlight.add(tracked);
    try {
      const sent = await sending;
      if (ownId && sent.id.id !== ownId)
        this.log.warn(
          'WhatsApp Web did not take the assigned message id (a crash now cannot be looked up)',
        );
      return { providerMessageId: sent.id._serialized };
    } catch (err) {
      // Once the page has the message it may be out already: after a browser lost now, the
      // outbox looks the reply up in the chat (by its assigned id) before sending it again, so
      // the contact gets it once (maybeSent).
      const gone = !client.pupBrowser?.isConnected() || client.pupPage?.isClosed() !== false;
      if (gone)
        throw new ChannelSendError(
          `Chromium closed while sending; looked up in the chat before any resend: ${errorText(err)}`,
          true,
          true,
        );
      throw new ChannelSendError(`WhatsApp refused the message: ${errorText(err)}`, true);
    } finally {
      this.inFlight.delete(tracked);
      void tracked.catch(() => undefined);
    }
  }

  private inPageTurn<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.pageTurn.then(fn, fn);
    this.pageTurn = run.catch(() => undefined);
    return run;
  }

  private async showTyping(client: Client, chatId: string, text: string): Promise<void> {
    const ms = typingDelayMs(text, this.manners);
    if (ms <= 0) return;
    try {
      const chat = await client.getChatById(chatId);
      await chat.sendStateTyping();
      await new Promise((r) => setTimeout(r, ms));
    } catch (err) {
      this.log.debug({ err }, 'typing indicator failed');
    }
  }
}
