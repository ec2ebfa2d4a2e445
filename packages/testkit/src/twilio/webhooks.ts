// The webhooks the Twilio double posts, built as Twilio builds them for WhatsApp (form-encoded
// incoming-message and status-callback fields) and signed as Twilio signs them: X-Twilio-Signature
// over the public URL configured in Twilio, which may differ from the address the test posts to.
import { randomBytes } from 'node:crypto';
import { twilioSignature } from '@waflow/channel/twilio';

export interface TwilioWebhookTarget {
  /** Our receiver's address as the test reaches it. */
  url: string;
  /** The URL configured in Twilio, which the signature covers (behind a proxy); `url` by default. */
  publicUrl?: string;
  authToken: string;
  accountSid: string;
  /** Our WhatsApp sender, `whatsapp:+<digits>`. */
  to: string;
}

export type TwilioContactMessage =
  | { kind: 'text'; text: string }
  /** A tapped quick-reply button: `payload` is the id the button was sent with. */
  | { kind: 'button'; payload: string; text: string }
  | { kind: 'media'; url: string; mimeType: string; caption?: string }
  | { kind: 'location'; latitude: number; longitude: number; label?: string; address?: string };

export type TwilioMessageStatus = 'sent' | 'delivered' | 'read' | 'failed' | 'undelivered';

/** A Twilio sid: two letters (`SM`, `MM`, `AC`, `ME`…) and 32 hex digits. */
export const newTwilioSid = (prefix = 'SM'): string =>
  `${prefix}${randomBytes(16).toString('hex')}`;

function messageFields(m: TwilioContactMessage): Record<string, string> {
  switch (m.kind) {
    case 'text':
      return { MessageType: 'text', Body: m.text, NumMedia: '0' };
    case 'button':
      return {
        MessageType: 'button',
        Body: m.text,
        ButtonText: m.text,
        ButtonPayload: m.payload,
        NumMedia: '0',
      };
    case 'media': {
      const family = m.mimeType.split('/')[0] ?? '';
      return {
        MessageType: ['image', 'audio', 'video'].includes(family) ? family : 'document',
        Body: m.caption ?? '',
        NumMedia: '1',
        MediaUrl0: m.url,
        MediaContentType0: m.mimeType,
      };
    }
    case 'location':
      return {
        MessageType: 'location',
        Body: '',
        NumMedia: '0',
        Latitude: String(m.latitude),
        Longitude: String(m.longitude),
        ...(m.label ? { Label: m.label } : {}),
        ...(m.address ? { Address: m.address } : {}),
      };
  }
}

/** The fields of an incoming-message webhook from the contact `from` (digits) to `t.to`. */
export function inboundParams(
  t: TwilioWebhookTarget,
  from: { waId: string; name: string },
  message: TwilioContactMessage,
  opts: { sid?: string; quotedSid?: string } = {},
): { sid: string; params: Record<string, string> } {
  const sid = opts.sid ?? newTwilioSid(message.kind === 'media' ? 'MM' : 'SM');
  const params: Record<string, string> = {
    SmsMessageSid: sid,
    ...messageFields(message),
    ProfileName: from.name,
    SmsSid: sid,
    WaId: from.waId,
    SmsStatus: 'received',
    To: t.to,
    NumSegments: '1',
    ReferralNumMedia: '0',
    MessageSid: sid,
    AccountSid: t.accountSid,
    From: `whatsapp:+${from.waId}`,
    ApiVersion: '2010-04-01',
    ...(opts.quotedSid
      ? { OriginalRepliedMessageSender: t.to, OriginalRepliedMessageSid: opts.quotedSid }
      : {}),
  };
  return { sid, params };
}

/** The fields of a status callback for our message `sid` to `recipient` (`whatsapp:+…`). */
export function statusParams(
  t: TwilioWebhookTarget,
  status: { sid: string; status: TwilioMessageStatus; recipient: string; errorCode?: number },
): Record<string, string> {
  return {
    ChannelPrefix: 'whatsapp',
    ApiVersion: '2010-04-01',
    MessageStatus: status.status,
    SmsSid: status.sid,
    SmsStatus: status.status,
    ChannelInstallSid: 'XE0123456789abcdef0123456789abcdef',
    To: status.recipient,
    From: t.to,
    MessageSid: status.sid,
    StructuredMessage: 'false',
    AccountSid: t.accountSid,
    ChannelToAddress: status.recipient.replace(/^whatsapp:/, ''),
    ...(status.errorCode ? { ErrorCode: String(status.errorCode) } : {}),
  };
}

/**
 * Posts the fields form-encoded to `t.url`, signed over `t.publicUrl ?? t.url` with the auth
 * token, or with a given signature (`null`: none) to test refusals.
 */
export async function postTwilioSigned(
  t: Pick<TwilioWebhookTarget, 'url' | 'publicUrl' | 'authToken'>,
  params: Record<string, string>,
  opts: { signature?: string | null } = {},
): Promise<{ status: number; body: string }> {
  const signature =
    opts.signature === undefined
      ? twilioSignature(t.publicUrl ?? t.url, params, t.authToken)
      : opts.signature;
  const res = await fetch(t.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'TwilioProxy/1.1',
      ...(signature ? { 'x-twilio-signature': signature } : {}),
    },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, body: await res.text() };
}
