// Where a number's client keeps its session: its folder in the data folder, the Chromium profile
// the auth strategy gives the browser, and the strategy (encrypted in Postgres, or local).
import { join, resolve } from 'node:path';
import type { AuthStrategy } from 'whatsapp-web.js';
import type { Logger } from '../../observability/logger.ts';
import {
  createLocalSessionAuth,
  createRemoteSessionAuth,
  EncryptedSessionStore,
} from './session-auth.ts';
import type { WhatsAppChannelOptions } from './whatsapp-options.ts';

export function dataPathOf(opts: WhatsAppChannelOptions): string {
  return resolve(opts.dataDir, 'whatsapp', opts.numberId);
}

/** The Chromium profile the auth strategy gives the browser (its folder naming). */
export function profileDirOf(opts: WhatsAppChannelOptions): string {
  const id = `n${opts.numberId.replace(/-/g, '')}`;
  return join(
    dataPathOf(opts),
    opts.session.kind === 'local' ? `session-${id}` : `RemoteAuth-${id}`,
  );
}

export function makeSessionAuth(
  opts: WhatsAppChannelOptions,
  log: Logger,
): AuthStrategy & { saveNow(): Promise<void>; forget(): Promise<void> } {
  const dataPath = dataPathOf(opts);
  const s = opts.session;
  if (s.kind === 'local') return createLocalSessionAuth(opts.numberId, dataPath);
  return createRemoteSessionAuth({
    store: new EncryptedSessionStore(opts.db.db, s.keyring, opts.numberId, dataPath),
    dataPath,
    log,
    ...(s.firstSaveDelayMs === undefined ? {} : { firstSaveDelayMs: s.firstSaveDelayMs }),
    ...(s.backupIntervalMs === undefined ? {} : { backupIntervalMs: s.backupIntervalMs }),
  });
}
