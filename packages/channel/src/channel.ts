// The channel interface: how the runtime talks to a messaging network for one number. The sandbox
// channel (simulator, tests) and the WhatsApp channel (whatsapp-web.js) both implement it.

export type NumberStatus = 'new' | 'qr' | 'authenticated' | 'ready' | 'disconnected' | 'logged_out';

/** What a contact sent. `messageId` is the network's id: unique per number, the dedupe key. */
export interface InboundMessage {
  messageId: string;
  from: string;
  contactName?: string;
  type: 'text' | 'media' | 'location';
  text?: string;
  media?: { ref: string; mimeType: string; fileName?: string };
  location?: { latitude: number; longitude: number; name?: string };
  /**
   * The reply button or list row the contact tapped (official channels): `id` is the one the
   * channel rendered for the option, `title` what the contact saw; `text` carries the title too.
   */
  reply?: { id: string; title: string };
  /** Id of the message this one quotes, when the contact replied to one. */
  quotedMessageId?: string;
  timestamp: number;
}

/** What the runtime asks the channel to send. */
export type OutboundMessage =
  | { to: string; type: 'text'; text: string }
  | {
      to: string;
      type: 'media';
      url: string;
      mediaType: 'image' | 'document' | 'audio' | 'video';
      caption?: string;
      fileName?: string;
    }
  | { to: string; type: 'location'; latitude: number; longitude: number; name?: string };

export type AckLevel = 'sent' | 'delivered' | 'read' | 'failed';

export interface ChannelEvents {
  inbound: (message: InboundMessage) => void;
  status: (status: NumberStatus, detail?: string) => void;
  qr: (qr: string) => void;
  ack: (providerMessageId: string, level: AckLevel) => void;
  /** A message sent from the phone by a person (not by the bot): the bot must step back. */
  humanReply: (to: string) => void;
}

/** A send that failed; `transient` ones are retried by the outbox sender. */
export class ChannelSendError extends Error {
  readonly code = 'CHANNEL_SEND_FAILED';
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
  }
}

export interface Channel {
  readonly numberId: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sends one message; resolves with the network's message id once it accepted it. */
  send(message: OutboundMessage): Promise<{ providerMessageId: string }>;
  on<E extends keyof ChannelEvents>(event: E, listener: ChannelEvents[E]): () => void;
}
