// What a WhatsApp channel is given: its number, the database, the data folder, where its session
// is kept, Chromium and client options, pacing manners, the egress guard, and a test seam.
import type { Client, ClientOptions } from 'whatsapp-web.js';
import type { DbClient, Keyring } from '@waflow/db';
import type { EgressClient } from '@waflow/egress';
import type { Logger } from '../../observability/logger.ts';
import type { Manners } from './manners.ts';

export type SessionOptions =
  | { kind: 'remote'; keyring: Keyring; firstSaveDelayMs?: number; backupIntervalMs?: number }
  /** Development only: an unencrypted profile folder on this host. */
  | { kind: 'local' };

export interface WhatsAppChannelOptions {
  numberId: string;
  /** The number's row is written (and notified) through this client. */
  db: DbClient;
  log: Logger;
  /** This host's data folder: profiles under `whatsapp/<numberId>/`, media under `media/`. */
  dataDir: string;
  session: SessionOptions;
  chromium?: { executablePath?: string; args?: readonly string[]; headless?: boolean };
  /** Merged over the channel's client options (a pinned `webVersion`/`webVersionCache`). */
  clientOptions?: ClientOptions;
  /** `authenticated` without `ready` for this long restarts the client (the library can miss it). */
  readyTimeoutMs?: number;
  /** Delay before restart attempt n (1-based). */
  restartDelayMs?: (attempt: number) => number;
  manners?: Partial<Manners>;
  /**
   * Outbound media given by URL is fetched through this guard (the runtime's `egress`): the
   * operator's allow-lists, no private addresses, redirects re-checked, a size cap. A say block's
   * URL can come from a variable, so there is no unguarded path.
   */
  egress: EgressClient;
  /** Told about every new Client (tests drive the double through it; the worker watches Chromium). */
  onClient?: (client: Client) => void;
}
