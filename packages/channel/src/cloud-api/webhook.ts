// Reads the body of a WhatsApp Cloud API webhook (object `whatsapp_business_account`, field
// `messages`) into what the runtime stores: inbound messages in our shape, delivery statuses as
// acks (with Meta's error code and plain-words reason), and the contacts' profile names.
import type { AckLevel, InboundMessage } from '../channel.ts';
import { waIdFromDigits } from '../wa-id.ts';
import { classifyGraphError } from './graph-error.ts';

export interface CloudStatus {
  providerMessageId: string;
  level: AckLevel;
  recipient: string;
  timestamp: number;
  error?: { code: number | null; reason: string };
}

/** One `changes[].value` of one phone number id. */
export interface CloudWebhookBatch {
  phoneNumberId: string;
  messages: InboundMessage[];
  statuses: CloudStatus[];
}

export class CloudWebhookError extends Error {
  readonly code = 'CLOUD_WEBHOOK_INVALID';
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const MEDIA_KINDS = ['image', 'document', 'audio', 'video', 'sticker'] as const;
const ACK_LEVELS: Record<string, AckLevel> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
};

/** Media the Cloud API holds for us: fetched later through its id (`cloud-media:<id>`). */
export const CLOUD_MEDIA_PREFIX = 'cloud-media:';

function seconds(v: unknown): number {
  const n = Number(str(v) ?? v);
  return Number.isFinite(n) && n > 0 ? n * 1000 : Date.now();
}

function readMessage(raw: Json, names: Map<string, string>): InboundMessage | undefined {
  const id = str(raw.id);
  const from = str(raw.from);
  if (!id || !from || !/^\d{5,20}$/.test(from)) return undefined;
  const base = {
    messageId: id,
    from: waIdFromDigits(from),
    timestamp: seconds(raw.timestamp),
    ...(names.has(from) ? { contactName: names.get(from) } : {}),
    ...(isObj(raw.context) && str(raw.context.id) ? { quotedMessageId: str(raw.context.id) } : {}),
  };
  const type = str(raw.type);
  if (type === 'text' && isObj(raw.text))
    return { ...base, type: 'text', text: str(raw.text.body) ?? '' };
  if (type === 'interactive' && isObj(raw.interactive)) {
    const r = raw.interactive.button_reply ?? raw.interactive.list_reply;
    if (isObj(r) && str(r.id))
      return {
        ...base,
        type: 'text',
        text: str(r.title) ?? '',
        reply: { id: str(r.id) ?? '', title: str(r.title) ?? '' },
      };
  }
  // A quick-reply button of a template.
  if (type === 'button' && isObj(raw.button)) {
    const text = str(raw.button.text) ?? str(raw.button.payload) ?? '';
    return {
      ...base,
      type: 'text',
      text,
      reply: { id: str(raw.button.payload) ?? text, title: text },
    };
  }
  const kind = MEDIA_KINDS.find((k) => k === type);
  if (kind && isObj(raw[kind])) {
    const m = raw[kind] as Json;
    const mediaId = str(m.id);
    if (!mediaId) return undefined;
    const fileName = str(m.filename);
    const caption = str(m.caption);
    return {
      ...base,
      type: 'media',
      ...(caption ? { text: caption } : {}),
      media: {
        ref: `${CLOUD_MEDIA_PREFIX}${mediaId}`,
        mimeType: str(m.mime_type) ?? 'application/octet-stream',
        ...(fileName ? { fileName } : {}),
      },
    };
  }
  if (type === 'location' && isObj(raw.location)) {
    const { latitude, longitude } = raw.location;
    if (typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
    const name = str(raw.location.name) ?? str(raw.location.address);
    return {
      ...base,
      type: 'location',
      location: { latitude, longitude, ...(name ? { name } : {}) },
    };
  }
  if (type === 'contacts') {
    // Shared contact cards become a line each, so a flow can read them as text.
    const cards = list(raw.contacts).filter(isObj);
    const lines = cards.map((c) => {
      const name = isObj(c.name) ? (str(c.name.formatted_name) ?? '') : '';
      const phones = list(c.phones)
        .filter(isObj)
        .map((p) => str(p.phone))
        .filter(Boolean);
      return [name, ...phones].filter(Boolean).join(' ');
    });
    return { ...base, type: 'text', text: lines.join('\n') };
  }
  // Reactions, unsupported kinds, system messages: not something a flow answers.
  return undefined;
}

function readStatus(raw: Json): CloudStatus | undefined {
  const id = str(raw.id);
  const level = ACK_LEVELS[str(raw.status) ?? ''];
  if (!id || !level) return undefined;
  const err = list(raw.errors).find(isObj);
  const status: CloudStatus = {
    providerMessageId: id,
    level,
    recipient: str(raw.recipient_id) ?? '',
    timestamp: seconds(raw.timestamp),
  };
  if (err) {
    const verdict = classifyGraphError(400, { error: err });
    status.error = { code: verdict.code, reason: verdict.reason };
  }
  return status;
}

/** Throws CloudWebhookError when the body is not a Cloud API webhook at all. */
export function parseCloudWebhook(body: unknown): CloudWebhookBatch[] {
  if (!isObj(body) || body.object !== 'whatsapp_business_account')
    throw new CloudWebhookError(
      'not a WhatsApp Cloud API webhook: expected {"object":"whatsapp_business_account","entry":[…]}',
    );
  const batches: CloudWebhookBatch[] = [];
  for (const entry of list(body.entry).filter(isObj))
    for (const change of list(entry.changes).filter(isObj)) {
      if (change.field !== 'messages' || !isObj(change.value)) continue;
      const value = change.value;
      const phoneNumberId = isObj(value.metadata) ? str(value.metadata.phone_number_id) : undefined;
      if (!phoneNumberId) continue;
      const names = new Map<string, string>();
      for (const c of list(value.contacts).filter(isObj)) {
        const waId = str(c.wa_id);
        const name = isObj(c.profile) ? str(c.profile.name) : undefined;
        if (waId && name) names.set(waId, name);
      }
      batches.push({
        phoneNumberId,
        messages: list(value.messages)
          .filter(isObj)
          .flatMap((m) => readMessage(m, names) ?? []),
        statuses: list(value.statuses)
          .filter(isObj)
          .flatMap((s) => readStatus(s) ?? []),
      });
    }
  return batches;
}
