// Our outbound message as the body of `POST /{phone-number-id}/messages` (Cloud API), and the
// message id out of Meta's answer.
import type { OutboundMessage } from '../channel.ts';
import { digitsFromWaId } from '../wa-id.ts';

export function toGraphMessage(message: OutboundMessage): Record<string, unknown> {
  const head = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: digitsFromWaId(message.to),
  };
  switch (message.type) {
    case 'text':
      return { ...head, type: 'text', text: { preview_url: false, body: message.text } };
    case 'media': {
      const media: Record<string, unknown> = { link: message.url };
      // Meta refuses a caption on audio, and a file name anywhere but on documents.
      if (message.caption && message.mediaType !== 'audio') media.caption = message.caption;
      if (message.fileName && message.mediaType === 'document') media.filename = message.fileName;
      return { ...head, type: message.mediaType, [message.mediaType]: media };
    }
    case 'location':
      return {
        ...head,
        type: 'location',
        location: {
          latitude: message.latitude,
          longitude: message.longitude,
          ...(message.name ? { name: message.name } : {}),
        },
      };
  }
}

/** `{"messages":[{"id":"wamid…"}]}` → the wamid; undefined for anything else. */
export function graphMessageId(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const messages = (body as { messages?: unknown }).messages;
  const first: unknown = Array.isArray(messages) ? messages[0] : undefined;
  const id =
    typeof first === 'object' && first !== null ? (first as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id ? id : undefined;
}
