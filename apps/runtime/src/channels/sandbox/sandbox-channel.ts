// The sandbox channel: the same pipeline as WhatsApp without a network. The web app's simulator
// and the tests deliver inbound messages with `deliver()` and read what the bot sent from `sent`
// or the `onSent` listeners. Like WhatsApp Web it has no templates: a template is sent as its text.
import { randomUUID } from 'node:crypto';
import { ChannelEmitter } from '../channel-emitter.ts';
import {
  ChannelSendError,
  templateAsText,
  type Channel,
  type FreeFormMessage,
  type InboundMessage,
  type OutboundMessage,
  type PhoneMessage,
} from '@waflow/channel';

export interface SandboxSent {
  providerMessageId: string;
  /** As the contact would see it (a template: its text). */
  message: FreeFormMessage;
  at: number;
}

export class SandboxChannel extends ChannelEmitter implements Channel {
  readonly sent: SandboxSent[] = [];
  private readonly sentListeners = new Set<(s: SandboxSent) => void>();
  private running = false;
  /** Tests set this to make the next sends fail (transient or not). */
  failNext: { count: number; transient: boolean } = { count: 0, transient: true };

  constructor(readonly numberId: string) {
    super();
  }

  async start(): Promise<void> {
    this.running = true;
    this.emit('status', 'ready');
  }

  async stop(): Promise<void> {
    this.running = false;
    this.emit('status', 'disconnected');
  }

  get isRunning(): boolean {
    return this.running;
  }

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    if (!this.running) throw new ChannelSendError('the sandbox channel is stopped', true);
    if (this.failNext.count > 0) {
      this.failNext.count -= 1;
      throw new ChannelSendError(
        'sandbox send failure (requested by a test)',
        this.failNext.transient,
      );
    }
    const entry: SandboxSent = {
      providerMessageId: `sbx-${randomUUID()}`,
      message: templateAsText(message),
      at: Date.now(),
    };
    this.sent.push(entry);
    for (const l of this.sentListeners) l(entry);
    this.emit('ack', entry.providerMessageId, 'sent');
    return { providerMessageId: entry.providerMessageId };
  }

  onSent(listener: (s: SandboxSent) => void): () => void {
    this.sentListeners.add(listener);
    return () => this.sentListeners.delete(listener);
  }

  /** The contact's phone reports a sent message delivered, then read (as WhatsApp's ticks do). */
  acknowledge(providerMessageId: string, level: 'delivered' | 'read'): void {
    this.emit('ack', providerMessageId, level);
  }

  /** A contact writes to this number. */
  deliver(input: Partial<InboundMessage> & { from: string }): InboundMessage {
    const message: InboundMessage = {
      messageId: input.messageId ?? `sbx-in-${randomUUID()}`,
      type: input.type ?? 'text',
      timestamp: input.timestamp ?? Date.now(),
      ...input,
    };
    this.emit('inbound', message);
    return message;
  }

  /**
   * A person writes to `to` from the linked phone (as WhatsApp Web reports it): the bot steps
   * back in that conversation and the transcript records the text, by `phone`.
   */
  sendFromPhone(to: string, text: string): PhoneMessage {
    const message: PhoneMessage = {
      messageId: `sbx-phone-${randomUUID()}`,
      type: 'text',
      text,
      timestamp: Date.now(),
    };
    this.emit('humanReply', to, message);
    return message;
  }
}
