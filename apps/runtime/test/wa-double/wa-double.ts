// Node side of the offline WhatsApp Web double: builds a real whatsapp-web.js Client whose
// Chromium loads the fake page (double-page.js) instead of web.whatsapp.com, and drives that
// page (the phone, the contacts, the servers) through page.evaluate.
import { once } from 'node:events';
import type { EventEmitter } from 'node:events';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wwebjs from 'whatsapp-web.js';
import type { AuthStrategy, Client, ClientOptions } from 'whatsapp-web.js';
import type { Page } from 'puppeteer';
import { z } from 'zod';
import { headlessShellPath } from '@waflow/testkit';
import { isHeadlessShell } from '../../src/channels/whatsapp/chromium.ts';

/**
 * The web version the double poses as. It is the pinned library's default, so a client that
 * keeps the default `webVersion` only needs the double's `webVersionCache` to load it.
 */
export const DOUBLE_WEB_VERSION = '2.3000.1017054665';

/** Chromium flags for a root, containerised, offline run: nothing leaves the machine. */
export const DOUBLE_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND',
];

const PAGE_SCRIPT = fileURLToPath(new URL('./double-page.js', import.meta.url));

/** A failure of the double itself (not of the library under test). */
export class WaDoubleError extends Error {
  constructor(
    readonly code: 'DOUBLE_NO_PAGE' | 'DOUBLE_BAD_REPLY' | 'DOUBLE_TIMEOUT' | 'DOUBLE_NO_BROWSER',
    message: string,
  ) {
    super(message);
    this.name = 'WaDoubleError';
  }
}

/** Writes `<dir>/<DOUBLE_WEB_VERSION>.html`, the page the library serves as web.whatsapp.com. */
export async function writeDoubleWebCache(dir: string): Promise<string> {
  const script = await readFile(PAGE_SCRIPT, 'utf8');
  const html = [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"><title>WhatsApp</title></head>',
    '<body>',
    // `</script` cannot appear in the inlined script; the page script never contains it.
    `<script>${script.replace('__WA_DOUBLE_VERSION__', DOUBLE_WEB_VERSION)}</script>`,
    '</body></html>',
  ].join('\n');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${DOUBLE_WEB_VERSION}.html`), html);
  return dir;
}

/** The Chromium the channel runs by default (its headless shell); the test kit installs Debian's package when it is missing. */
export function chromiumPath(): string {
  return headlessShellPath();
}

/**
 * Client options that point any whatsapp-web.js Client at the double (the channel under test
 * builds its own Client; it merges these in). `cacheDir` must hold writeDoubleWebCache's file.
 */
export function doubleClientOptions(cacheDir: string): ClientOptions {
  return {
    webVersion: DOUBLE_WEB_VERSION,
    webVersionCache: { type: 'local', path: cacheDir, strict: true },
    puppeteer: {
      headless: isHeadlessShell(chromiumPath()) ? 'shell' : true,
      executablePath: chromiumPath(),
      args: DOUBLE_CHROMIUM_ARGS,
    },
  };
}

// ------------------------------------------------------------------------------------------------
// What the page reports, validated: the page is another program and answers with JSON.

const sentMessageSchema = z.object({
  id: z.string(),
  to: z.string(),
  type: z.string(),
  body: z.string().optional(),
  caption: z.string().optional(),
  quotedMsgId: z.string().optional(),
  location: z
    .object({
      latitude: z.number(),
      longitude: z.number(),
      description: z.string().optional(),
      url: z.string().optional(),
    })
    .optional(),
  poll: z
    .object({ name: z.string(), options: z.array(z.string()), allowMultipleAnswers: z.boolean() })
    .optional(),
  media: z
    .object({
      mimetype: z.string(),
      filename: z.string().optional(),
      size: z.number(),
      data: z.string(),
    })
    .optional(),
  ack: z.number().optional(),
  t: z.number(),
});
export type SentMessage = z.infer<typeof sentMessageSchema>;

const activitySchema = z.object({
  kind: z.enum(['seen', 'typing', 'recording', 'paused', 'available', 'unavailable']),
  chatId: z.string().optional(),
});
export type DoubleActivity = z.infer<typeof activitySchema>;

const statusSchema = z.object({
  socket: z.string(),
  hasSynced: z.boolean(),
  paired: z.boolean(),
  me: z.string().nullable(),
  loggedOutBy: z.string().nullable(),
  ref: z.string(),
});
export type DoubleStatus = z.infer<typeof statusSchema>;

const surfaceSchema = z.object({ asked: z.array(z.string()), missing: z.array(z.string()) });
export type DoubleSurface = z.infer<typeof surfaceSchema>;

/** Socket states WhatsApp Web reports; the library treats all but four as a disconnect. */
export type SocketState =
  | 'CONNECTED'
  | 'OPENING'
  | 'PAIRING'
  | 'TIMEOUT'
  | 'CONFLICT'
  | 'UNPAIRED'
  | 'UNPAIRED_IDLE'
  | 'UNLAUNCHED'
  | 'PROXYBLOCK'
  | 'TOS_BLOCK'
  | 'SMB_TOS_BLOCK'
  | 'DEPRECATED_VERSION';

export interface InboundInput {
  /** The contact: `15551234567@c.us` or just the digits. */
  from: string;
  body?: string;
  type?: 'chat' | 'image' | 'video' | 'audio' | 'document' | 'location';
  /** Push name the contact chose; the library exposes it as `notifyName`. */
  pushname?: string;
  /** Base64 bytes for media types; `body` becomes the caption. */
  media?: { mimetype: string; data: string; filename?: string };
  location?: { latitude: number; longitude: number; name?: string; address?: string; url?: string };
  /** Serialized id of a message this one replies to. */
  quotedMsgId?: string;
  /** WhatsApp's message id (without the `false_<chat>_` prefix); random when absent. */
  id?: string;
}

/** Message acks as whatsapp-web.js numbers them. */
export const ACK = { ERROR: -1, PENDING: 0, SERVER: 1, DEVICE: 2, READ: 3, PLAYED: 4 } as const;

// ------------------------------------------------------------------------------------------------

/**
 * Controls of one double page. It follows the client's current page, so it keeps working
 * after the page reloads (logout) and after the client is initialised again.
 */
export class WaDouble {
  /** Every module name the library asked for on any page this driver saw. */
  readonly asked = new Set<string>();
  /** Every module or member the library read but the double lacks. */
  readonly missing = new Set<string>();

  constructor(private readonly page: () => Page | null | undefined) {}

  static forClient(client: Client): WaDouble {
    return new WaDouble(() => client.pupPage);
  }

  private async call(method: string, ...args: unknown[]): Promise<unknown> {
    const page = this.page();
    if (!page || page.isClosed()) {
      throw new WaDoubleError(
        'DOUBLE_NO_PAGE',
        `the double's page is not open (calling ${method})`,
      );
    }
    return page.evaluate(
      async (name, params) => {
        const controls: unknown = Reflect.get(globalThis, '__waDouble');
        const fn: unknown =
          controls && typeof controls === 'object' ? Reflect.get(controls, name) : undefined;
        if (typeof fn !== 'function') throw new Error(`double page has no control ${name}`);
        return Reflect.apply(fn, controls, params);
      },
      method,
      args,
    );
  }

  /** Waits for the page's start-up (session restore) and returns the socket state. */
  async started(): Promise<string> {
    return parse(z.string(), await this.call('started'), 'started');
  }

  /**
   * Resolves once the library finished injecting itself into the current page. Wait for it
   * before destroying a client whose page just reloaded (after a logout): destroying during
   * the library's re-inject leaves an unhandled TargetCloseError in Node.
   */
  async injected(timeoutMs = 20_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new WaDoubleError(
              'DOUBLE_TIMEOUT',
              `the library did not finish injecting within ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.call('injected'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The phone scans the QR code: authenticated, then ready, follow. */
  async pair(opts: { me?: string; pushname?: string } = {}): Promise<void> {
    await this.call('pair', {
      me: opts.me ?? '15550000001@c.us',
      pushname: opts.pushname ?? 'Waflow Bot',
    });
  }

  /** WhatsApp rotates the QR code; the library emits a new `qr`. */
  async refreshQr(): Promise<string> {
    return parse(z.string(), await this.call('refreshQr'), 'refreshQr');
  }

  /** A new sync cycle: the library emits `authenticated` and `ready` again. */
  async resync(): Promise<void> {
    await this.call('resync');
  }

  /** A contact sends a message; returns its serialized id (`false_<from>_<id>`). */
  async deliverInbound(input: InboundInput): Promise<string> {
    return parse(z.string(), await this.call('deliverInbound', input), 'deliverInbound');
  }

  /** A person sends from the phone itself: `message_create` with fromMe, not sent by the library. */
  async sendFromPhone(input: { to: string; body: string }): Promise<string> {
    return parse(z.string(), await this.call('sendFromPhone', input), 'sendFromPhone');
  }

  /** The connection stalls: the next sends never reach WhatsApp's server (kill Chromium next). */
  async holdSends(): Promise<void> {
    await this.call('holdSends');
  }

  /** How many sends are stuck in holdSends(). */
  async heldSends(): Promise<number> {
    return parse(z.number(), await this.call('heldSends'), 'heldSends');
  }

  /** Everything the library sent, in order; it survives restarts of the same profile. */
  async sent(): Promise<SentMessage[]> {
    return parse(z.array(sentMessageSchema), await this.call('sent'), 'sent');
  }

  /** Marks seen, typing and presence the library showed. */
  async activity(): Promise<DoubleActivity[]> {
    return parse(z.array(activitySchema), await this.call('activity'), 'activity');
  }

  async ack(msgId: string, level: number): Promise<void> {
    await this.call('ack', msgId, level);
  }

  async setSocketState(state: SocketState): Promise<void> {
    await this.call('setSocketState', state);
  }

  /** The phone unlinks this device; the page forgets the session and reloads. */
  async logout(): Promise<void> {
    await this.call('logout');
  }

  async status(): Promise<DoubleStatus> {
    return parse(statusSchema, await this.call('status'), 'status');
  }

  /** Module names asked for on the current page, and what the double lacked. */
  async surface(): Promise<DoubleSurface> {
    const surface = parse(surfaceSchema, await this.call('surface'), 'surface');
    for (const name of surface.asked) this.asked.add(name);
    for (const name of surface.missing) this.missing.add(name);
    return surface;
  }

  /** Exceptions thrown inside the page's event handlers. */
  async errors(): Promise<string[]> {
    return parse(z.array(z.string()), await this.call('errors'), 'errors');
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new WaDoubleError(
      'DOUBLE_BAD_REPLY',
      `double page answered ${what} with an unexpected shape: ${result.error.message}`,
    );
  }
  return result.data;
}

// ------------------------------------------------------------------------------------------------

/**
 * Records a client's events from the moment it is created, so a test can wait for an event
 * that may already have happened: `waitFor('ready', 2)` resolves at the second `ready`.
 */
export class EventLog {
  private readonly log = new Map<string, unknown[][]>();
  private readonly waiters = new Set<() => void>();

  constructor(emitter: EventEmitter, names: readonly string[]) {
    for (const name of names) {
      this.log.set(name, []);
      emitter.on(name, (...args: unknown[]) => {
        this.log.get(name)?.push(args);
        for (const wake of [...this.waiters]) wake();
      });
    }
  }

  all(name: string): unknown[][] {
    return this.log.get(name) ?? [];
  }

  count(name: string): number {
    return this.all(name).length;
  }

  /** Resolves with the arguments of the `nth` (1-based) occurrence of `name`. */
  waitFor(name: string, nth = 1, timeoutMs = 20_000): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.all(name)[nth - 1];
        if (!hit) return false;
        cleanup();
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = [...this.log].map(([n, calls]) => `${n}=${calls.length}`).join(' ');
        reject(
          new WaDoubleError(
            'DOUBLE_TIMEOUT',
            `no ${name} #${nth} within ${timeoutMs} ms (seen: ${seen})`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      const wake = (): void => {
        check();
      };
      if (!check()) this.waiters.add(wake);
    });
  }
}

export const CLIENT_EVENTS = [
  'qr',
  'authenticated',
  'auth_failure',
  'ready',
  'message',
  'message_create',
  'message_ack',
  'change_state',
  'disconnected',
] as const;

export interface DoubleClientOptions {
  /** Folder for the web cache and LocalAuth's profiles; a fresh temp folder when absent. */
  dataDir?: string;
  /** LocalAuth client id (profile folder `session-<clientId>`). */
  clientId?: string;
  /** Any other auth strategy (RemoteAuth with our store); LocalAuth in `dataDir` otherwise. */
  authStrategy?: AuthStrategy;
  /** Extra Client options, merged over the double's. */
  clientOptions?: ClientOptions;
}

export interface DoubleClient {
  client: Client;
  double: WaDouble;
  events: EventLog;
  dataDir: string;
  /** Destroys the client (closes Chromium); removes dataDir when it was created here. */
  close(opts?: { keepData?: boolean }): Promise<void>;
}

/** A real whatsapp-web.js Client on the double (not initialised: call client.initialize()). */
export async function createDoubleClient(opts: DoubleClientOptions = {}): Promise<DoubleClient> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'wa-double-')));
  const cacheDir = await writeDoubleWebCache(join(dataDir, 'web-cache'));
  const base = doubleClientOptions(cacheDir);
  const authStrategy =
    opts.authStrategy ??
    new wwebjs.LocalAuth({
      dataPath: join(dataDir, 'auth'),
      ...(opts.clientId ? { clientId: opts.clientId } : {}),
    });
  const client = new wwebjs.Client({
    ...base,
    ...opts.clientOptions,
    puppeteer: { ...base.puppeteer, ...opts.clientOptions?.puppeteer },
    authStrategy,
  });
  const events = new EventLog(client, CLIENT_EVENTS);
  const double = WaDouble.forClient(client);
  return {
    client,
    double,
    events,
    dataDir,
    async close({ keepData = false } = {}) {
      // Record what this page asked for before Chromium goes away (the surface test reads it).
      await double.surface().catch(() => undefined);
      await client.destroy().catch(() => undefined);
      if (ownDir && !keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves once `emitter` emits `event`, or fails with DOUBLE_TIMEOUT. */
export async function nextEvent(
  emitter: EventEmitter,
  event: string,
  timeoutMs = 20_000,
): Promise<unknown[]> {
  try {
    return await once(emitter, event, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    if (error instanceof Error && error.name === 'AbortError') {
      throw new WaDoubleError('DOUBLE_TIMEOUT', `no ${event} within ${timeoutMs} ms`);
    }
    throw error;
  }
}

/**
 * Resident memory of the client's Chromium: the browser process and every child, in MB
 * (RSS double-counts shared pages; PSS splits them, so PSS is the fairer per-number figure).
 */
export function chromiumMemoryMb(client: Client): {
  rssMb: number;
  pssMb: number;
  processes: number;
} {
  const pid = client.pupBrowser?.process()?.pid;
  if (pid === undefined)
    throw new WaDoubleError('DOUBLE_NO_BROWSER', 'the client has no local Chromium process');
  const tree = descendants(pid);
  let rssKb = 0;
  let pssKb = 0;
  for (const p of tree) {
    rssKb += readKb(`/proc/${p}/status`, 'VmRSS');
    pssKb += readKb(`/proc/${p}/smaps_rollup`, 'Pss');
  }
  return {
    rssMb: Math.round(rssKb / 1024),
    pssMb: Math.round(pssKb / 1024),
    processes: tree.length,
  };
}

function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the command name, which is in parentheses and may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) {
    for (const [child, parent] of parentOf) if (parent === out[i]) out.push(child);
  }
  return out;
}

function readKb(file: string, field: string): number {
  try {
    const line = readFileSync(file, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.replace(/\D+/g, ' ').trim().split(' ')[0]) : 0;
  } catch {
    return 0;
  }
}
