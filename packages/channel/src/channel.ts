// The channel interface: how the runtime talks to a messaging network for one number. The sandbox
// channel (simulator, tests), the WhatsApp Web channel (whatsapp-web.js) and the official ones
// (WhatsApp Cloud API, Twilio) implement it. The engine decides what to say; each channel decides
// how (a menu as buttons, a list or numbered text; long texts split at its limit).

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
  | {
      to: string;
      type: 'text';
      /** What every channel can send (a choice question: its numbered menu). */
      text: string;
      /**
       * A choice question's menu: channels that render reply buttons or lists (the Cloud API)
       * send `body` with the `options`, ids `1`…`n`; a tap comes back as `reply.id`, which
       * reaches the same branch as typing the number or the label.
       */
      menu?: { body: string; options: string[] };
    }
  | {
      to: string;
      type: 'media';
      url: string;
      mediaType: 'image' | 'document' | 'audio' | 'video';
      caption?: string;
      fileName?: string;
    }
  | { to: string; type: 'location'; latitude: number; longitude: number; name?: string }
  | {
      to: string;
      /**
       * An approved WhatsApp template: the only message the official channels deliver outside
       * the 24-hour window. The Cloud API sends it by `name` and `language` (Meta's code), with
       * `parameters` as the body's {{1}}, {{2}}…; Twilio by `contentSid` when set. Channels with
       * no templates (WhatsApp Web, the sandbox, Twilio without a SID) send `text`, which is also
       * what the transcript shows.
       */
      type: 'template';
      name: string;
      language: string;
      parameters: string[];
      contentSid?: string;
      text: string;
    };

export type AckLevel = 'sent' | 'delivered' | 'read' | 'failed';

export interface ChannelEvents {
  inbound: (message: InboundMessage) => void;
  status: (status: NumberStatus, detail?: string) => void;
  qr: (qr: string) => void;
  ack: (providerMessageId: string, level: AckLevel) => void;
  /**
   * A message sent from the phone by a person (not by the bot): the bot must step back, and the
   * transcript records what the person wrote (`message`, when the channel can read it).
   */
  humanReply: (to: string, message?: PhoneMessage) => void;
}

/** What a person sent from the linked phone itself (WhatsApp Web's own `message_create`). */
export interface PhoneMessage {
  /** The network's id of the message: recorded once per number (the dedupe key). */
  messageId: string;
  type: 'text' | 'media' | 'location';
  /** The text, or a media message's caption. */
  text?: string;
  timestamp: number;
}

/** How the outbox hands one of its rows to `send`. */
export interface SendOptions {
  /**
   * The outbox row's id: the same on every attempt. A channel that can pick the network's
   * message id (WhatsApp Web) derives it from this, so `findHanded` can look it up after a crash.
   */
  outboxId: string;
}

/** What `findHanded` found: the message is on the network, under this id. */
export interface HandedMessage {
  providerMessageId: string;
}

/**
 * A send that failed; `transient` ones are retried by the outbox sender. `maybeSent`: the
 * connection died during the send itself, so it may have reached the network — the outbox then
 * looks it up before any resend on a channel that can (Channel.findHanded), and fails it on the
 * others (never a duplicate).
 */
export class ChannelSendError extends Error {
  readonly code = 'CHANNEL_SEND_FAILED';
  constructor(
    message: string,
    readonly transient: boolean,
    readonly maybeSent = false,
  ) {
    super(message);
  }
}

export interface Channel {
  readonly numberId: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sends one message; resolves with the network's message id once it accepted it. */
  send(message: OutboundMessage, opts?: SendOptions): Promise<{ providerMessageId: string }>;
  /**
   * Optional capability: whether a message handed to the network before a crash (the process
   * stopped before the answer was recorded) is there, looked up by the row's `outboxId`. `null`:
   * it never got out, so the outbox sends it again; a HandedMessage: it did, so it is recorded as
   * sent. Throws ChannelSendError (transient) when it cannot look now (not connected): asked
   * again later. Channels without it cannot tell, and such a row is failed with the reason
   * (`message.failed`), never sent twice. WhatsApp Web has it; the sandbox, the Cloud API and
   * Twilio do not.
   */
  findHanded?(outboxId: string, to: string): Promise<HandedMessage | null>;
  on<E extends keyof ChannelEvents>(event: E, listener: ChannelEvents[E]): () => void;
}
