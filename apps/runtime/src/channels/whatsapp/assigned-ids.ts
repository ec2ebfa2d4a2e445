// WhatsApp Web message ids waflow picks itself. Each reply's id is derived from its outbox row's
// id, so a reply handed to whatsapp-web.js just before a crash can be looked up in the chat by
// that id afterwards (Channel.findHanded): there, it is recorded as sent; not there, it is sent
// again — under the same id — instead of being dropped or sent twice.
import { createHash } from 'node:crypto';
import type { Client } from 'whatsapp-web.js';
import { ChannelSendError, type HandedMessage } from '@waflow/channel';

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

/**
 * Whether this page lets waflow assign message ids (WAWebMsgKey.newId is there to wrap). When it
 * does not, ids were the page's own and a look-up by the assigned id proves nothing.
 */
export async function messageIdsAssignable(client: Client): Promise<boolean> {
  const page = client.pupPage;
  if (!page) return false;
  return page.evaluate(() => {
    const req: unknown = Reflect.get(globalThis, 'require');
    if (typeof req !== 'function') return false;
    const msgKey: unknown = Reflect.apply(req, undefined, ['WAWebMsgKey']);
    return typeof msgKey === 'function' && 'newId' in msgKey;
  });
}

/**
 * Channel.findHanded for WhatsApp Web: whether the chat `chatId` holds the message waflow
 * assigned to outbox row `outboxId`. Only trusted where ids can be assigned at all; elsewhere it
 * cannot tell (a permanent ChannelSendError: the row is failed, never doubled).
 */
export async function findAssignedMessage(
  client: Client,
  chatId: string,
  outboxId: string,
): Promise<HandedMessage | null> {
  const lookUpFailed = (err: unknown) =>
    new ChannelSendError(
      `the interrupted reply could not be looked up: ${err instanceof Error ? err.message : String(err)}`,
      true,
    );
  const assignable = await messageIdsAssignable(client).catch((err: unknown) => {
    throw lookUpFailed(err);
  });
  if (!assignable)
    throw new ChannelSendError(
      'interrupted while sending; this WhatsApp Web version does not take the message ids waflow assigns, so whether it went out cannot be told: not sent again (no duplicate)',
      false,
    );
  const found = await client
    .getMessageById(serializedOwnId(chatId, messageIdFor(outboxId)))
    .catch((err: unknown) => {
      throw lookUpFailed(err);
    });
  return found ? { providerMessageId: found.id._serialized } : null;
}
