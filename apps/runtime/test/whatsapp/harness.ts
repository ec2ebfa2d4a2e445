// Test harness: the real WhatsAppChannel (whatsapp-web.js + puppeteer + Chromium) on the
// WhatsApp Web double, attached to a real Runtime on throwaway Postgres.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import type { Client } from 'whatsapp-web.js';
import { createKeyring, schema, type DbClient, type Keyring } from '@waflow/db';
import { WhatsAppChannel } from '../../src/channels/whatsapp/whatsapp-channel.ts';
import type { WhatsAppChannelOptions } from '../../src/channels/whatsapp/whatsapp-options.ts';
import { CHROMIUM_ARGS } from '../../src/channels/whatsapp/chromium.ts';
import {
  DOUBLE_CHROMIUM_ARGS,
  WaDouble,
  chromiumPath,
  doubleClientOptions,
  writeDoubleWebCache,
} from '../wa-double/wa-double.ts';
import type { NumberStatus } from '@waflow/channel';
import type { EgressClient } from '@waflow/egress';

export const testLog = pino({ level: process.env.TEST_LOG ?? 'silent' });

export function testKeyring(): Keyring {
  return createKeyring({ keys: { k1: Buffer.alloc(32, 7) }, current: 'k1' });
}

export interface ChannelOnDouble {
  channel: WhatsAppChannel;
  /** Drives the page of the channel's current client (it follows restarts). */
  double: WaDouble;
  /** Every status the channel reported, in order. */
  statuses: NumberStatus[];
  clients: Client[];
  dataDir: string;
}

export async function channelOnDouble(opts: {
  db: DbClient;
  numberId: string;
  egress: EgressClient;
  keyring?: Keyring;
  dataDir?: string;
  overrides?: Partial<WhatsAppChannelOptions>;
}): Promise<ChannelOnDouble> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'wa-channel-')));
  const cacheDir = await writeDoubleWebCache(join(dataDir, 'web-cache'));
  const clients: Client[] = [];
  const statuses: NumberStatus[] = [];
  const channel = new WhatsAppChannel({
    numberId: opts.numberId,
    db: opts.db,
    log: testLog,
    dataDir,
    egress: opts.egress,
    session: { kind: 'remote', keyring: opts.keyring ?? testKeyring(), firstSaveDelayMs: 100 },
    // The flags production runs with (memory flags included), plus the double's offline ones.
    chromium: { executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, ...DOUBLE_CHROMIUM_ARGS] },
    clientOptions: doubleClientOptions(cacheDir),
    readyTimeoutMs: 30_000,
    restartDelayMs: () => 100,
    manners: { typingMsPerChar: 0.1, typingMinMs: 5, typingMaxMs: 20 },
    onClient: (c) => clients.push(c),
    ...opts.overrides,
  });
  channel.on('status', (s) => statuses.push(s));
  const double = new WaDouble(() => channel.currentClient?.pupPage);
  return { channel, double, statuses, clients, dataDir };
}

export async function numberRow(db: DbClient, numberId: string) {
  const [row] = await db.db.select().from(schema.numbers).where(eq(schema.numbers.id, numberId));
  if (!row) throw new Error(`no number ${numberId}`);
  return row;
}

/** Consecutive duplicates removed: the sequence a person watching the status would see. */
export function transitions<T>(values: T[]): T[] {
  return values.filter((v, i) => i === 0 || values[i - 1] !== v);
}
