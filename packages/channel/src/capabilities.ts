// What each channel can render, and the renderings they share: a choice question as reply
// buttons, a list or numbered text, a long text split at the channel's limit on a word boundary,
// and a template as its text where there are no templates. The engine says what to say; these
// decide how, per channel.
import type { OutboundMessage } from './channel.ts';

export interface ChannelCapabilities {
  /** Reply buttons per message (0: none) and the longest button title. */
  buttons: { max: number; titleLength: number };
  /** Rows of a list message (0: none) and the longest row title. */
  listRows: { max: number; titleLength: number };
  /** The longest text one message may carry; longer texts are split. */
  maxTextLength: number;
  /** The body of an interactive (buttons or list) message. */
  maxInteractiveBodyLength: number;
  templates: boolean;
  media: readonly ('image' | 'document' | 'audio' | 'video')[];
}

const ALL_MEDIA = ['image', 'document', 'audio', 'video'] as const;

/** Meta's documented limits (Cloud API "interactive" messages; text bodies 4,096 characters). */
export const cloudApiCapabilities: ChannelCapabilities = {
  buttons: { max: 3, titleLength: 20 },
  listRows: { max: 10, titleLength: 24 },
  maxTextLength: 4096,
  maxInteractiveBodyLength: 1024,
  templates: true,
  media: ALL_MEDIA,
};

/** Twilio's WhatsApp bodies are at most 1,600 characters; menus are numbered text. */
export const twilioCapabilities: ChannelCapabilities = {
  buttons: { max: 0, titleLength: 0 },
  listRows: { max: 0, titleLength: 0 },
  maxTextLength: 1600,
  maxInteractiveBodyLength: 0,
  templates: true,
  media: ALL_MEDIA,
};

/** WhatsApp Web no longer delivers buttons or lists from unofficial clients: numbered text. */
export const whatsappWebCapabilities: ChannelCapabilities = {
  buttons: { max: 0, titleLength: 0 },
  listRows: { max: 0, titleLength: 0 },
  maxTextLength: 65_536,
  maxInteractiveBodyLength: 0,
  templates: false,
  media: ALL_MEDIA,
};

export type MenuRendering = 'buttons' | 'list' | 'numbered';

/** Buttons when the options fit (≤ max, titles short enough), else a list, else numbered text. */
export function menuRendering(
  caps: ChannelCapabilities,
  menu: { body: string; options: readonly string[] },
): MenuRendering {
  const n = menu.options.length;
  const fits = (max: number, len: number) =>
    n > 0 && n <= max && menu.options.every((o) => o.trim() !== '' && [...o].length <= len);
  if (menu.body.trim() === '' || [...menu.body].length > caps.maxInteractiveBodyLength)
    return 'numbered';
  if (fits(caps.buttons.max, caps.buttons.titleLength)) return 'buttons';
  if (fits(caps.listRows.max, caps.listRows.titleLength)) return 'list';
  return 'numbered';
}

/**
 * `text` in parts of at most `max` characters (code points), cut at the last line break or
 * space before the limit (a word longer than the limit is cut where it must be).
 */
export function splitText(text: string, max: number): string[] {
  const chars = [...text];
  if (chars.length <= max) return [text];
  const parts: string[] = [];
  let start = 0;
  while (chars.length - start > max) {
    let cut = start + max;
    for (let i = cut; i > start + max / 2; i--)
      if (chars[i] === '\n' || chars[i] === ' ') {
        cut = i;
        break;
      }
    parts.push(chars.slice(start, cut).join('').trimEnd());
    start = cut;
    while (chars[start] === ' ' || chars[start] === '\n') start++;
  }
  if (start < chars.length) parts.push(chars.slice(start).join(''));
  return parts.filter((p) => p !== '');
}

/** An outbound message other than a template: what a channel without templates can send. */
export type FreeFormMessage = Exclude<OutboundMessage, { type: 'template' }>;

/**
 * A template as a channel without templates (WhatsApp Web, the sandbox) sends it: its text, as
 * a plain text message; any other message as it is.
 */
export function templateAsText(message: OutboundMessage): FreeFormMessage {
  return message.type === 'template'
    ? { to: message.to, type: 'text', text: message.text }
    : message;
}
