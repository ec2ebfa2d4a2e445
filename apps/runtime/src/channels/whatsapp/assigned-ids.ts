// WhatsApp Web message ids waflow picks itself. Each reply's id is derived from its outbox row's
// id, so a reply handed to whatsapp-web.js just before a crash can be looked up in the chat by
// that id afterwards (Channel.findHanded): there, it is recorded as sent; not there, it is sent
// again — under the same id — instead of being dropped or sent twice.
import { createHash } from 'node:crypto';
import type { Client } from 'whatsapp-web.js';

/**
 * The WhatsApp message id of the reply in outbox row `outboxId`, in WhatsApp Web's own format
 * (`3EB0` and upper-case hex, as `WAWebMsgKey.newId()` makes them). A hash, not the row id's
 * digits: the same row always gives the same id, different rows (even created in the same
 * millisecond) different ones.
 */
export function messageIdFor(outboxId: string): string {
  const hex = createHash('sha256').update(outboxId).digest('hex').slice(0, 16).toUpperCase();
  return `3EB0${hex}`;
}

/** The serialized id (`true_<chat>_<id>`) WhatsApp Web gives our message `id` in chat `chatId`. */
export function serializedOwnId(chatId: string, id: string): string {
  return `true_${chatId}_${id}`;
}

/**
 * Makes the next message the page creates take `id`. whatsapp-web.js asks
 * `WAWebMsgKey.newId()` once per sendMessage; the wrapper (installed once per page, kept across
 * sends) answers the id set here, once, and the page's own ids otherwise. The caller runs one
 * send at a time from here to sendMessage's answer, so no other send can take the id.
 */
export async function assignNextMessageId(client: Client, id: string): Promise<void> {
  const page = client.pupPage;
  if (!page) throw new Error('the WhatsApp page is not open');
  await page.evaluate((next: string) => {
    const req: unknown = Reflect.get(globalThis, 'require');
    if (typeof req !== 'function') throw new Error('WhatsApp Web has no module loader');
    const msgKey: unknown = Reflect.apply(req, undefined, ['WAWebMsgKey']);
    if (typeof msgKey !== 'function' || !('newId' in msgKey))
      throw new Error('WhatsApp Web has no WAWebMsgKey.newId');
    // `in` (not a read): the page's modules are not to be probed for members they lack.
    if (!('__waflowNewId' in msgKey)) {
      const own: unknown = Reflect.get(msgKey, 'newId');
      Reflect.set(msgKey, '__waflowNewId', own);
      Reflect.set(msgKey, 'newId', function newId(this: unknown, ...args: unknown[]): unknown {
        const assigned: unknown = Reflect.get(globalThis, '__waflowNextId');
        if (typeof assigned === 'string') {
          Reflect.set(globalThis, '__waflowNextId', undefined);
          return assigned;
        }
        if (typeof own !== 'function') throw new Error('WAWebMsgKey.newId is not a function');
        return Reflect.apply(own, this, args);
      });
    }
    Reflect.set(globalThis, '__waflowNextId', next);
  }, id);
}
