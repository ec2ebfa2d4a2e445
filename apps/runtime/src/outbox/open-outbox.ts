// A number's outbox sender, opened when the number is attached: replies a crash interrupted
// after they were handed over are dealt with first, then the sender drains the rest, paced.
import type { Channel } from '@waflow/channel';
import type { Database } from '@waflow/db';
import type { Logger } from '../observability/logger.ts';
import type { OutboxSenderOptions } from './outbox-sender.ts';
import { createOutboxStore } from './outbox-store.ts';
import { OutboxWorker } from './outbox-worker.ts';

export async function openOutbox(
  db: Database,
  log: Logger,
  numberId: string,
  channel: Channel,
  options: OutboxSenderOptions,
): Promise<OutboxWorker> {
  const store = createOutboxStore(db);
  // Replies a crash interrupted after they were handed over: looked up by channels that can
  // (sent again only when not there), failed with the reason by the others.
  const { lookedUp, failed } = await store.recoverSending(numberId, {
    lookUp: typeof channel.findHanded === 'function',
  });
  if (lookedUp > 0)
    log.warn(
      { numberId, interrupted: lookedUp },
      'outbox rows interrupted while sending are looked up in the chat before any resend',
    );
  if (failed > 0)
    log.warn(
      { numberId, interrupted: failed },
      'outbox rows interrupted while sending were failed (message.failed), not resent',
    );
  return new OutboxWorker(store, channel, options, log);
}
