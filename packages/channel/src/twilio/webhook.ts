// Reads Twilio's WhatsApp webhooks (form-encoded POSTs) into what the runtime stores: an inbound
// message in our shape (text, media, location, a tapped quick reply, the quoted message, the
// profile name), and status callbacks as acks with Twilio's error code in plain words.
import type { AckLevel, InboundMessage } from '../channel.ts';
import { waIdFromTwilioAddress } from './address.ts';
import { classifyTwilioError } from './rest-error.ts';

export class TwilioWebhookError extends Error {
  readonly code = 'TWILIO_WEBHOOK_INVALID';
}

export interface TwilioStatus {
  providerMessageId: string;
  level: AckLevel;
  /** The contact's digits, as in `CloudStatus`. */
  recipient: string;
  timestamp: number;
  error?: { code: number | null; reason: string };
}

/** Media Twilio holds for us: fetched later from its URL with the account's credentials. */
export const TWILIO_MEDIA_PREFIX = 'twilio-media:';

const SID = /^(SM|MM)[0-9a-f]{32}$/i;

/**
 * A form body as Twilio posts it, as the name → value record the signature is computed over.
 * Twilio does not repeat names in WhatsApp webhooks; if a body did, the last value wins and the
 * signature check fails, which is the safe outcome.
 */
export function readTwilioForm(body: string | URLSearchParams): Record<string, string> {
  // fromEntries defines own properties, so even a `__proto__` field stays a plain field.
  return Object.fromEntries(typeof body === 'string' ? new URLSearchParams(body) : body);
}

function messageSid(params: Record<string, string>, what: string): string {
  const sid = params.MessageSid ?? params.SmsMessageSid ?? params.SmsSid;
  if (!sid || !SID.test(sid) || !params.AccountSid)
    throw new TwilioWebhookError(
      `not a Twilio ${what}: expected form fields AccountSid and MessageSid (SM or MM and 32 hex digits)`,
    );
  return sid;
}

function coordinate(v: string | undefined, limit: number): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
}

/**
 * The message of an incoming-message webhook, or undefined when it carries nothing a flow can
 * answer (a reaction, an empty body). Twilio's webhooks carry no send time: `now` stands in.
 * Throws TwilioWebhookError when the form is not a Twilio WhatsApp message at all.
 */
export function parseTwilioInbound(
  params: Record<string, string>,
  now: number = Date.now(),
): InboundMessage | undefined {
  const sid = messageSid(params, 'incoming-message webhook');
  const from = waIdFromTwilioAddress(params.From);
  if (!from)
    throw new TwilioWebhookError(
      `not a WhatsApp message: From must be whatsapp:+<digits>, got "${params.From ?? ''}"`,
    );
  const body = params.Body ?? '';
  const base = {
    messageId: sid,
    from,
    timestamp: now,
    ...(params.ProfileName ? { contactName: params.ProfileName } : {}),
    ...(params.OriginalRepliedMessageSid
      ? { quotedMessageId: params.OriginalRepliedMessageSid }
      : {}),
  };
  // A quick-reply button (template or Content API): the payload is the id we gave the option.
  // List-picker rows come as ListId / ListTitle.
  const replyId = params.ButtonPayload || params.ListId;
  const replyTitle = params.ButtonText || params.ListTitle || body;
  if (replyId || params.ButtonText) {
    const title = replyTitle || replyId || '';
    return { ...base, type: 'text', text: title, reply: { id: replyId || title, title } };
  }
  // One media per message on WhatsApp; should Twilio ever list more, the first is the message.
  const url = Number(params.NumMedia ?? '0') > 0 ? params.MediaUrl0 : undefined;
  if (url)
    return {
      ...base,
      type: 'media',
      ...(body ? { text: body } : {}),
      media: {
        ref: `${TWILIO_MEDIA_PREFIX}${url}`,
        mimeType: params.MediaContentType0 || 'application/octet-stream',
      },
    };
  const latitude = coordinate(params.Latitude, 90);
  const longitude = coordinate(params.Longitude, 180);
  if (latitude !== undefined && longitude !== undefined) {
    const name = params.Label || params.Address;
    return {
      ...base,
      type: 'location',
      location: { latitude, longitude, ...(name ? { name } : {}) },
    };
  }
  if (!body) return undefined;
  return { ...base, type: 'text', text: body };
}

const ACK_LEVELS: Record<string, AckLevel> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  undelivered: 'failed',
  canceled: 'failed',
};

/**
 * A status callback as an ack, or undefined while the message is still inside Twilio (`accepted`,
 * `scheduled`, `queued`, `sending`): nothing has reached WhatsApp yet, so there is nothing to ack.
 */
export function parseTwilioStatus(
  params: Record<string, string>,
  now: number = Date.now(),
): TwilioStatus | undefined {
  const sid = messageSid(params, 'status callback');
  const status = params.MessageStatus ?? params.SmsStatus;
  if (!status)
    throw new TwilioWebhookError(
      'not a Twilio status callback: the MessageStatus field is missing',
    );
  const level = ACK_LEVELS[status.toLowerCase()];
  if (!level) return undefined;
  const result: TwilioStatus = {
    providerMessageId: sid,
    level,
    recipient: /^whatsapp:\+?(\d+)$/.exec(params.To ?? '')?.[1] ?? params.To ?? '',
    timestamp: now,
  };
  const code = Number(params.ErrorCode);
  if (level === 'failed') {
    const verdict = classifyTwilioError(400, {
      ...(params.ErrorCode && Number.isInteger(code) ? { code } : {}),
      ...(params.ErrorMessage ? { message: params.ErrorMessage } : {}),
    });
    result.error = { code: verdict.code, reason: verdict.reason };
  }
  return result;
}
