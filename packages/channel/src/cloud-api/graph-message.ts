// Our outbound message as the bodies of `POST /{phone-number-id}/messages` (Cloud API): a choice
// question as reply buttons or a list when its options fit Meta's limits, a long text in parts
// at 4,096 characters, a template by name and language with its body parameters; and the message
// id out of Meta's answer.
import type { OutboundMessage } from '../channel.ts';
import { cloudApiCapabilities as caps, menuRendering, splitText } from '../capabilities.ts';
import { digitsFromWaId } from '../wa-id.ts';

/** The list's button (what the contact taps to open the rows), at most 20 characters. */
export const LIST_BUTTON_TITLE = 'Choose';

function interactive(
  menu: { body: string; options: string[] },
  rendering: 'buttons' | 'list',
): Record<string, unknown> {
  // Ids are the options' numbers: a tap reaches the same branch as typing the number.
  if (rendering === 'buttons')
    return {
      type: 'button',
      body: { text: menu.body },
      action: {
        buttons: menu.options.map((title, i) => ({
          type: 'reply',
          reply: { id: String(i + 1), title },
        })),
      },
    };
  return {
    type: 'list',
    body: { text: menu.body },
    action: {
      button: LIST_BUTTON_TITLE,
      sections: [{ rows: menu.options.map((title, i) => ({ id: String(i + 1), title })) }],
    },
  };
}

/** Every request body the message takes (a long text takes several). */
export function toGraphMessages(message: OutboundMessage): Record<string, unknown>[] {
  if (message.type !== 'text') return [toGraphMessage(message)];
  const head = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: digitsFromWaId(message.to),
  };
  const rendering = message.menu ? menuRendering(caps, message.menu) : 'numbered';
  if (message.menu && rendering !== 'numbered')
    return [{ ...head, type: 'interactive', interactive: interactive(message.menu, rendering) }];
  return splitText(message.text, caps.maxTextLength).map((body) => ({
    ...head,
    type: 'text',
    text: { preview_url: false, body },
  }));
}

/** A file uploaded to the Graph API (uploadGraphMedia), sent by its media id. */
export const CLOUD_UPLOAD_PREFIX = 'cloud-upload:';

/** One request body (a text is taken as it is: see toGraphMessages for menus and long texts). */
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
      // An uploaded file is named by its media id (`cloud-upload:<id>`), anything else by link.
      const media: Record<string, unknown> = message.url.startsWith(CLOUD_UPLOAD_PREFIX)
        ? { id: message.url.slice(CLOUD_UPLOAD_PREFIX.length) }
        : { link: message.url };
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
    case 'template':
      return {
        ...head,
        type: 'template',
        template: {
          name: message.name,
          language: { code: message.language },
          // Meta refuses a body component without parameters: a template with none sends none.
          ...(message.parameters.length
            ? {
                components: [
                  {
                    type: 'body',
                    parameters: message.parameters.map((text) => ({ type: 'text', text })),
                  },
                ],
              }
            : {}),
        },
      };
    default: {
      const never: never = message;
      throw new Error(`no Graph API body for ${JSON.stringify(never)}`);
    }
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
