// Where a number's WhatsApp Web session lives. Production: the library's RemoteAuth with our own
// store, which keeps the profile archive (IndexedDB + Local Storage, zipped by the library)
// encrypted with AES-256-GCM in Postgres, so any runtime host can restore the number without a
// new QR. Development: LocalAuth (a plain profile folder on this host).
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import wwebjs from 'whatsapp-web.js';
import type { AuthStrategy, Client, Store } from 'whatsapp-web.js';
import {
  deleteSessionArchive,
  loadSessionArchive,
  saveSessionArchive,
  sessionArchiveUpdatedAt,
  type Database,
  type Keyring,
} from '@waflow/db';
import type { Logger } from '../../observability/logger.ts';

/** RemoteAuth's store interface, keyed by number: the library only ever passes the session name. */
export class EncryptedSessionStore implements Store {
  constructor(
    private readonly db: Database,
    private readonly keyring: Keyring,
    readonly numberId: string,
    /** The library's dataPath: `save` reads `<dataPath>/<session>.zip` (the library writes it there). */
    private readonly dataPath: string,
  ) {}

  async sessionExists(): Promise<boolean> {
    return (await sessionArchiveUpdatedAt(this.db, this.numberId)) !== undefined;
  }

  async save({ session }: { session: string }): Promise<void> {
    const archive = await readFile(join(this.dataPath, `${session}.zip`));
    await saveSessionArchive(this.db, this.keyring, this.numberId, archive);
  }

  async extract({ path }: { session: string; path: string }): Promise<void> {
    const archive = await loadSessionArchive(this.db, this.keyring, this.numberId);
    if (!archive) throw new Error(`number ${this.numberId} has no stored session to restore`);
    await writeFile(path, archive, { mode: 0o600 });
  }

  async delete(): Promise<void> {
    await deleteSessionArchive(this.db, this.numberId);
  }

  updatedAt(): Promise<Date | undefined> {
    return sessionArchiveUpdatedAt(this.db, this.numberId);
  }
}

export interface RemoteSessionOptions {
  store: EncryptedSessionStore;
  /** Folder for the live Chromium profile and the zip being made (one per number). */
  dataPath: string;
  /** First save after ready (the library waits 60 s for the session to settle). */
  firstSaveDelayMs?: number;
  /** Then a save every this often (the library's minimum is 60 s). */
  backupIntervalMs?: number;
  log?: Logger;
  /** Told after each successful save (tests wait for it). */
  onSaved?: () => void;
}

// Members of the library's RemoteAuth that its type declarations leave out.
interface RemoteAuthInternals {
  client: Client;
  userDataDir: string;
  sessionName: string;
  backupSync: NodeJS.Timeout | undefined;
  extractRemoteSession(): Promise<void>;
  storeRemoteSession(options?: { emit?: boolean }): Promise<void>;
  deleteRemoteSession(): Promise<void>;
  isValidPath(path: string): Promise<boolean>;
  unCompressSession(path: string): Promise<void>;
}

/**
 * The library's RemoteAuth with four corrections for a long-running worker:
 * - a restart restores the local profile when it is newer than the stored archive (a Chromium
 *   crash must not roll the session back to the last backup), else the stored archive;
 * - `ready` fires repeatedly: one backup timer, saves never overlap;
 * - a disconnect (CONFLICT, a lost socket) keeps the session; only a logout deletes it;
 * - the first save comes after `firstSaveDelayMs`, not a fixed 60 s.
 */
export function createRemoteSessionAuth(
  opts: RemoteSessionOptions,
): AuthStrategy & { saveNow(): Promise<void>; forget(): Promise<void> } {
  const auth = new wwebjs.RemoteAuth({
    store: opts.store,
    clientId: `n${opts.store.numberId.replace(/-/g, '')}`,
    dataPath: opts.dataPath,
    backupSyncIntervalMs: Math.max(60_000, opts.backupIntervalMs ?? 5 * 60_000),
  });
  const self = auth as unknown as RemoteAuthInternals & AuthStrategy;
  const original = {
    storeRemoteSession: self.storeRemoteSession.bind(self),
  };
  let saving: Promise<void> = Promise.resolve();
  let firstSave: NodeJS.Timeout | undefined;

  const saveNow = (): Promise<void> => {
    saving = saving
      .catch(() => undefined)
      .then(async () => {
        if (!self.client?.pupBrowser?.isConnected()) return;
        await original.storeRemoteSession();
        opts.onSaved?.();
      });
    return saving.catch((err: unknown) =>
      opts.log?.warn(
        { err, numberId: opts.store.numberId },
        'session backup failed; the next one retries',
      ),
    );
  };

  const stopBackups = (): void => {
    if (firstSave) clearTimeout(firstSave);
    if (self.backupSync) clearInterval(self.backupSync);
    firstSave = undefined;
    self.backupSync = undefined;
  };

  self.extractRemoteSession = async () => {
    const localProfile = join(self.userDataDir, 'Default');
    const stored = await opts.store.updatedAt();
    const local = await stat(localProfile).then(
      (s) => s.mtime,
      () => undefined,
    );
    if (local && (!stored || local >= stored)) return; // the live profile is the freshest copy
    await rm(self.userDataDir, { recursive: true, force: true });
    await mkdir(opts.dataPath, { recursive: true });
    if (!stored) return;
    const zip = join(opts.dataPath, `${self.sessionName}.zip`);
    await opts.store.extract({ session: self.sessionName, path: zip });
    await self.unCompressSession(zip);
  };
  self.storeRemoteSession = () => saveNow();
  self.afterAuthReady = async () => {
    stopBackups();
    firstSave = setTimeout(() => void saveNow(), opts.firstSaveDelayMs ?? 60_000);
    self.backupSync = setInterval(
      () => void saveNow(),
      Math.max(60_000, opts.backupIntervalMs ?? 5 * 60_000),
    );
  };
  self.disconnect = async () => stopBackups();
  self.destroy = async () => stopBackups();
  const forget = async (): Promise<void> => {
    stopBackups();
    await saving.catch(() => undefined);
    await opts.store.delete();
    // The running browser keeps its (logged-out) profile; the next start begins from nothing.
    if (!self.client?.pupBrowser?.isConnected())
      await rm(self.userDataDir, { recursive: true, force: true });
  };
  self.logout = forget;
  return Object.assign(auth, { saveNow, forget });
}

/** Development only: the profile stays in a folder on this host, unencrypted. */
export function createLocalSessionAuth(
  numberId: string,
  dataPath: string,
): AuthStrategy & { saveNow(): Promise<void>; forget(): Promise<void> } {
  const auth = new wwebjs.LocalAuth({ clientId: `n${numberId.replace(/-/g, '')}`, dataPath });
  return Object.assign(auth, { saveNow: async () => undefined, forget: async () => undefined });
}
