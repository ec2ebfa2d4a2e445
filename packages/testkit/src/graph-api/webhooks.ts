// The webhooks the Graph API double posts, built as Meta builds them (object, entry, changes,
// value with metadata) and signed as Meta signs them: X-Hub-Signature-256 = sha256=HMAC-SHA256 of
// the raw body with the app secret. Written from Meta's documentation, independently of our reader.
import { createHmac, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export interface WebhookTarget {
  /** Our receiver's URL for this number. */
  url: string;
  appSecret: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
}

export type ContactMessage =
  | { kind: 'text'; text: string }
  | { kind: 'button_reply' | 'list_reply'; id: string; title: string }
  | {
      kind: 'image' | 'document' | 'audio' | 'video';
      mediaId: string;
      mimeType: string;
      caption?: string;
      filename?: string;
    }
  | { kind: 'location'; latitude: number; longitude: number; name?: string };

export const newWamid = (): string => `wamid.${randomBytes(18).toString('base64url')}`;

function messageBody(m: ContactMessage): Record<string, unknown> {
  switch (m.kind) {
    case 'text':
      return { type: 'text', text: { body: m.text } };
    case 'button_reply':
    case 'list_reply':
      return {
        type: 'interactive',
        interactive: { type: m.kind, [m.kind]: { id: m.id, title: m.title } },
      };
    case 'location':
      return {
        type: 'location',
        location: {
          latitude: m.latitude,
          longitude: m.longitude,
          ...(m.name ? { name: m.name } : {}),
        },
      };
    default:
      return {
        type: m.kind,
        [m.kind]: {
          id: m.mediaId,
          mime_type: m.mimeType,
          sha256: 'x',
          ...(m.caption ? { caption: m.caption } : {}),
          ...(m.filename ? { filename: m.filename } : {}),
        },
      };
  }
}

export function messageWebhook(
  t: WebhookTarget,
  from: { waId: string; name: string },
  message: ContactMessage,
  opts: { id?: string; timestamp?: number } = {},
): { id: string; payload: Record<string, unknown> } {
  const id = opts.id ?? newWamid();
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: t.displayPhoneNumber, phone_number_id: t.phoneNumberId },
    contacts: [{ profile: { name: from.name }, wa_id: from.waId }],
    messages: [
      {
        from: from.waId,
        id,
        timestamp: String(Math.floor((opts.timestamp ?? Date.now()) / 1000)),
        ...messageBody(message),
      },
    ],
  };
  return { id, payload: envelope(t, value) };
}

export function statusWebhook(
  t: WebhookTarget,
  status: {
    id: string;
    status: 'sent' | 'delivered' | 'read' | 'failed';
    recipient: string;
    errorCode?: number;
  },
): Record<string, unknown> {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: t.displayPhoneNumber, phone_number_id: t.phoneNumberId },
    statuses: [
      {
        id: status.id,
        status: status.status,
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: status.recipient,
        ...(status.errorCode
          ? {
              errors: [
                {
                  code: status.errorCode,
                  title: 'error',
                  error_data: { details: 'from the double' },
                },
              ],
            }
          : {}),
      },
    ],
  };
  return envelope(t, value);
}

function envelope(t: WebhookTarget, value: Record<string, unknown>): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: t.wabaId, changes: [{ field: 'messages', value }] }],
  };
}

/** Posts a payload signed with `secret` (or a given signature, to test refusals). */
export async function postSigned(
  url: string,
  payload: unknown,
  secret: string,
  opts: { signature?: string | null } = {},
): Promise<{ status: number; body: string }> {
  const raw = JSON.stringify(payload);
  const signature =
    opts.signature === undefined
      ? `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`
      : opts.signature;
  // node:http with kept-alive connections: bench:cloud-api posts thousands from this process, and
  // fetch would spend more CPU here than the API spends answering.
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(raw),
          ...(signature ? { 'x-hub-signature-256': signature } : {}),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(raw);
  });
}
