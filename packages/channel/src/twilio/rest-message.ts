// Our outbound message as the form body of `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`
// (Twilio Programmable Messaging on WhatsApp), templates by Content SID (a template without one
// goes as its text), and the message sid out of Twilio's answer.
import type { OutboundMessage } from '../channel.ts';
import { twilioAddressFromWaId } from './address.ts';

/** An approved WhatsApp template, created in Twilio's Content API (`HX…`). */
export interface TwilioTemplateMessage {
  to: string;
  type: 'template';
  contentSid: string;
  /** `{{1}}`, `{{2}}`… in order, or by name: `{ "1": "Ana" }`. */
  variables?: string[] | Record<string, string>;
}

export interface TwilioSendOptions {
  /** Where Twilio posts this message's status callbacks. */
  statusCallback?: string;
}

const MESSAGING_SERVICE = /^MG[0-9a-f]{32}$/i;

/**
 * The sender fields: a Messaging Service (`MG…`) or a WhatsApp sender, written `+14155238886`,
 * `14155238886` or `whatsapp:+14155238886`.
 */
function senderFields(sender: string): Record<string, string> {
  const s = sender.trim();
  if (MESSAGING_SERVICE.test(s)) return { MessagingServiceSid: s };
  const m = /^(?:whatsapp:)?\+?(\d{5,20})$/.exec(s);
  if (!m?.[1])
    throw new Error(
      `"${sender}" is not a Twilio WhatsApp sender: expected whatsapp:+<digits> or a Messaging Service SID (MG…)`,
    );
  return { From: `whatsapp:+${m[1]}` };
}

function head(to: string, sender: string, opts: TwilioSendOptions): Record<string, string> {
  return {
    To: twilioAddressFromWaId(to),
    ...senderFields(sender),
    ...(opts.statusCallback ? { StatusCallback: opts.statusCallback } : {}),
  };
}

/** A link that opens the point in a maps app; Twilio has no location message to send. */
export function mapsLink(latitude: number, longitude: number): string {
  return `https://www.google.com/maps/search/?api=1&query=${latitude},${longitude}`;
}

export function toTwilioMessage(
  message: OutboundMessage,
  sender: string,
  opts: TwilioSendOptions = {},
): Record<string, string> {
  const fields = head(message.to, sender, opts);
  switch (message.type) {
    case 'text':
      return { ...fields, Body: message.text };
    case 'media':
      // WhatsApp shows no caption on audio; Twilio names the file after the URL's last segment.
      return {
        ...fields,
        MediaUrl: message.url,
        ...(message.caption && message.mediaType !== 'audio' ? { Body: message.caption } : {}),
      };
    case 'location':
      return {
        ...fields,
        Body: [message.name, mapsLink(message.latitude, message.longitude)]
          .filter(Boolean)
          .join('\n'),
      };
    case 'template':
      // Twilio knows a template only by its Content SID; without one, its text is all it can send.
      return message.contentSid
        ? toTwilioTemplate(
            {
              to: message.to,
              type: 'template',
              contentSid: message.contentSid,
              variables: message.parameters,
            },
            sender,
            opts,
          )
        : { ...fields, Body: message.text };
    default: {
      const never: never = message;
      throw new Error(`no Twilio form for ${JSON.stringify(never)}`);
    }
  }
}

/** A template send: `ContentSid` and its variables as the JSON object `ContentVariables`. */
export function toTwilioTemplate(
  message: TwilioTemplateMessage,
  sender: string,
  opts: TwilioSendOptions = {},
): Record<string, string> {
  const vars = Array.isArray(message.variables)
    ? Object.fromEntries(message.variables.map((v, i) => [String(i + 1), v]))
    : (message.variables ?? {});
  return {
    ...head(message.to, sender, opts),
    ContentSid: message.contentSid,
    ...(Object.keys(vars).length ? { ContentVariables: JSON.stringify(vars) } : {}),
  };
}

/** Twilio's answer to a send (`{"sid":"SM…","status":"queued",…}`) → the sid; else undefined. */
export function twilioMessageSid(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('sid' in body)) return undefined;
  return typeof body.sid === 'string' && /^(SM|MM)[0-9a-f]{32}$/i.test(body.sid)
    ? body.sid
    : undefined;
}
