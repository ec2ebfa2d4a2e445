// A reply in whatsapp-web.js's terms: the chat it goes to, and its content (a text, a location, or
// media read from the data folder or fetched through the egress guard, within WhatsApp's limits).
import wwebjs from 'whatsapp-web.js';
import type { MessageContent, MessageSendOptions } from 'whatsapp-web.js';
import { isMediaRef, mimeOfRef, type FreeFormMessage, type MediaStorage } from '@waflow/channel';
import type { EgressClient } from '@waflow/egress';

/** WhatsApp's own limits: 16 MB for images, audio and video, 100 MB for documents. */
const MAX_MEDIA_BYTES = 16 * 1024 * 1024;
const MAX_DOCUMENT_BYTES = 100 * 1024 * 1024;
export function chatIdOf(to: string): string {
  return to.includes('@') ? to : `${to.replace(/\D/g, '')}@c.us`;
}
/** The content of `message` (its caption and document flag go into `options`). */
export async function outboundContent(
  message: FreeFormMessage,
  options: MessageSendOptions,
  media: MediaStorage,
  egress: EgressClient,
): Promise<MessageContent> {
  switch (message.type) {
    case 'text':
      return message.text;
    case 'location':
      return new wwebjs.Location(
        message.latitude,
        message.longitude,
        message.name ? { name: message.name } : undefined,
      );
    case 'media': {
      const file = isMediaRef(message.url)
        ? {
            data: await media.read(message.url),
            mimeType: mimeOfRef(message.url),
            fileName: message.fileName ?? message.url.split('/').pop(),
          }
        : await fetchMedia(egress, message.url, message.mediaType);
      if (message.caption) options.caption = message.caption;
      if (message.mediaType === 'document') options.sendMediaAsDocument = true;
      return new wwebjs.MessageMedia(
        file.mimeType,
        file.data.toString('base64'),
        message.fileName ?? file.fileName ?? null,
      );
    }
    default: {
      const never: never = message;
      throw new Error(`no WhatsApp Web content for ${JSON.stringify(never)}`);
    }
  }
}

async function fetchMedia(
  egress: EgressClient,
  url: string,
  mediaType: string,
): Promise<{ data: Buffer; mimeType: string; fileName?: string }> {
  const res = await egress.fetch({
    url,
    timeoutMs: 30_000,
    maxRedirects: 3,
    maxResponseBytes: mediaType === 'document' ? MAX_DOCUMENT_BYTES : MAX_MEDIA_BYTES,
  });
  if (res.status < 200 || res.status >= 300) throw new Error(`GET ${url} answered ${res.status}`);
  const fileName = new URL(res.url).pathname.split('/').pop();
  return {
    data: res.bytes,
    mimeType: res.headers['content-type'] ?? 'application/octet-stream',
    ...(fileName ? { fileName } : {}),
  };
}
