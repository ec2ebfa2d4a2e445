// Text from a channel (a WhatsApp message, a contact's profile name, a file name) is whatever the
// sender's phone produced; Postgres cannot store a NUL character nor, in jsonb, a lone UTF-16
// surrogate (half an emoji), and refusing would lose the message. So before it is persisted,
// NULs are removed and lone surrogates become U+FFFD (what a UTF-8 encoder writes for them).
import type { InboundMessage } from '@waflow/channel';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
const unstorable = (s: string | undefined) =>
  s !== undefined && (s.includes('\u0000') || LONE_SURROGATE.test(s));

export function storableText(s: string): string {
  return unstorable(s) ? s.replaceAll('\u0000', '').replace(LONE_SURROGATES, '\uFFFD') : s;
}

/** `m` itself when every text in it can be stored (the usual case), else a cleaned copy. */
export function storableInbound(m: InboundMessage): InboundMessage {
  const texts = [
    m.messageId,
    m.from,
    m.contactName,
    m.text,
    m.media?.fileName,
    m.location?.name,
    m.quotedMessageId,
    m.reply?.id,
    m.reply?.title,
  ];
  if (!texts.some(unstorable)) return m;
  return {
    ...m,
    messageId: storableText(m.messageId),
    from: storableText(m.from),
    ...(m.contactName === undefined ? {} : { contactName: storableText(m.contactName) }),
    ...(m.text === undefined ? {} : { text: storableText(m.text) }),
    ...(m.media
      ? {
          media: {
            ...m.media,
            ...(m.media.fileName === undefined ? {} : { fileName: storableText(m.media.fileName) }),
          },
        }
      : {}),
    ...(m.location
      ? {
          location: {
            ...m.location,
            ...(m.location.name === undefined ? {} : { name: storableText(m.location.name) }),
          },
        }
      : {}),
    ...(m.quotedMessageId === undefined
      ? {}
      : { quotedMessageId: storableText(m.quotedMessageId) }),
    ...(m.reply
      ? { reply: { id: storableText(m.reply.id), title: storableText(m.reply.title) } }
      : {}),
  };
}
