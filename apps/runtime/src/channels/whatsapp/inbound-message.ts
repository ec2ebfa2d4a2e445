// What whatsapp-web.js hands the channel, in the runtime's terms: a contact's message (its media
// saved to the data folder), a person's own message from the phone, a delivery ack.
import type { Message } from 'whatsapp-web.js';
import type { AckLevel, InboundMessage, MediaStorage, PhoneMessage } from '@waflow/channel';
import type { Logger } from '../../observability/logger.ts';

export function isUserChat(id: string): boolean {
  return id.endsWith('@c.us') || id.endsWith('@lid');
}
export function ackLevel(ack: number): AckLevel | undefined {
  if (ack < 0) return 'failed';
  if (ack === 1) return 'sent';
  if (ack === 2) return 'delivered';
  if (ack >= 3) return 'read';
  return undefined;
}
/** A contact's message as the runtime's inbound message (undefined: nothing to answer). */
export async function toInbound(
  msg: Message,
  storage: MediaStorage,
  numberId: string,
  log: Logger,
): Promise<InboundMessage | undefined> {
  const data: unknown = Reflect.get(msg, '_data');
  const notifyName =
    typeof data === 'object' &&
    data !== null &&
    'notifyName' in data &&
    typeof data.notifyName === 'string'
      ? data.notifyName
      : undefined;
  const base = {
    messageId: msg.id._serialized,
    from: msg.from,
    timestamp: msg.timestamp ? msg.timestamp * 1000 : Date.now(),
    ...(notifyName ? { contactName: notifyName } : {}),
  };
  let quotedMessageId: string | undefined;
  if (msg.hasQuotedMsg)
    quotedMessageId = (await msg.getQuotedMessage().catch(() => undefined))?.id._serialized;
  const quoted = quotedMessageId ? { quotedMessageId } : {};
  if (msg.type === 'location' && msg.location) {
    const { latitude, longitude, name, description } = msg.location;
    const label = name ?? description?.split('\n')[0];
    return {
      ...base,
      ...quoted,
      type: 'location',
      location: {
        latitude: Number(latitude),
        longitude: Number(longitude),
        ...(label ? { name: label } : {}),
      },
    };
  }
  if (msg.hasMedia) {
    const media = await msg.downloadMedia();
    if (!media) {
      log.warn(
        { messageId: msg.id._serialized },
        'media could not be downloaded (expired or deleted)',
      );
      return { ...base, ...quoted, type: 'text', text: msg.body ?? '' };
    }
    const fileName = media.filename ?? undefined;
    const ref = await storage.save(numberId, msg.id._serialized, {
      data: Buffer.from(media.data, 'base64'),
      mimeType: media.mimetype,
      ...(fileName ? { fileName } : {}),
    });
    return {
      ...base,
      ...quoted,
      type: 'media',
      media: { ref, mimeType: media.mimetype, ...(fileName ? { fileName } : {}) },
      ...(msg.body ? { text: msg.body } : {}),
    };
  }
  if (msg.type !== 'chat') return undefined; // stickers, reactions, calls, system notices: nothing to answer
  return { ...base, ...quoted, type: 'text', text: msg.body };
}

/** What a person typed on the phone, for the transcript (media: its caption; not downloaded). */
export function phoneMessage(msg: Message): PhoneMessage | undefined {
  const base = {
    messageId: msg.id._serialized,
    timestamp: msg.timestamp ? msg.timestamp * 1000 : Date.now(),
  };
  if (msg.type === 'location') return { ...base, type: 'location' };
  if (msg.hasMedia) return { ...base, type: 'media', ...(msg.body ? { text: msg.body } : {}) };
  if (msg.type === 'chat') return { ...base, type: 'text', text: msg.body };
  return undefined; // stickers, reactions, system notices: the pause still applies
}
