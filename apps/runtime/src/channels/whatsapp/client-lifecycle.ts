// The life of one number's whatsapp-web.js client on the system Chromium: launched with its
// session, kept alive (a ready timeout, a killed Chromium, or a lost connection restart it with
// backoff; a session restores without a new QR, see session-auth.ts), and its status reported to
// the number's row (status, QR, phone, last error, restarts; each write notified on
// `number_status` for the API stream). What goes through the client is whatsapp-channel.ts's.
import wwebjs from 'whatsapp-web.js';
import type { AuthStrategy, Client, Message } from 'whatsapp-web.js';
import { recordNumberRestart, reportNumberStatus, type NumberStatusPatch } from '@waflow/db';
import type { NumberStatus } from '@waflow/channel';
import { ChannelEmitter } from '../channel-emitter.ts';
import { bindNumber, type Logger } from '../../observability/logger.ts';
import { CHROMIUM_ARGS, isHeadlessShell, killChromiumUsing, resolveChromium } from './chromium.ts';
import { makeSessionAuth, profileDirOf } from './client-session.ts';
import { ackLevel } from './inbound-message.ts';
import type { WhatsAppChannelOptions } from './whatsapp-options.ts';

const LOGGED_OUT_REASONS = new Set(['LOGOUT', 'UNPAIRED', 'UNPAIRED_IDLE']);

function defaultRestartDelay(attempt: number): number {
  return Math.min(60_000, 1_000 * 2 ** Math.max(0, attempt - 1));
}
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
/** A number's client and its status; the channel (whatsapp-channel.ts) handles its messages. */
export abstract class WhatsAppClientLifecycle extends ChannelEmitter {
  readonly numberId: string;
  protected client: Client | undefined;
  private auth: (AuthStrategy & { saveNow(): Promise<void>; forget(): Promise<void> }) | undefined;
  protected ready = false;
  private stopped = true;
  private restarting: Promise<void> | undefined;
  private restartAttempt = 0;
  private readyTimer: NodeJS.Timeout | undefined;
  protected status: NumberStatus = 'new';
  private rowWrites: Promise<void> = Promise.resolve();

  /** The options' logger with the number bound (once: a worker's has it already). */
  protected readonly log: Logger;

  constructor(protected readonly opts: WhatsAppChannelOptions) {
    super();
    this.numberId = opts.numberId;
    this.log = bindNumber(opts.log, opts.numberId);
  }

  get currentStatus(): NumberStatus {
    return this.status;
  }

  get currentClient(): Client | undefined {
    return this.client;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    // A missing browser is a setup error, not a crash to retry: say what to install.
    resolveChromium(this.opts.chromium?.executablePath);
    try {
      await this.launch();
    } catch (err) {
      this.log.error({ err }, 'whatsapp client failed to start; retrying');
      void this.restart(`the WhatsApp client failed to start: ${errorText(err)}`);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearReadyTimer();
    await this.restarting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    this.ready = false;
    if (client) await this.destroyClient(client);
    await this.rowWrites;
  }

  /** Saves the session archive now (before a planned stop; tests). */
  async saveSession(): Promise<void> {
    await this.auth?.saveNow();
  }

  /** Restarts the client (Chromium included), counting it on the number's row with `reason`. */
  restart(reason: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.restarting ??= (async () => {
      try {
        this.log.warn({ reason }, 'restarting the whatsapp client');
        this.ready = false;
        this.clearReadyTimer();
        if (this.status !== 'logged_out') this.setStatus('disconnected', { lastError: reason });
        this.rowWrites = this.rowWrites.then(() =>
          recordNumberRestart(this.opts.db, this.numberId, reason).catch((err: unknown) =>
            this.log.error({ err }, 'restart count update failed'),
          ),
        );
        const old = this.client;
        this.client = undefined;
        if (old) await this.destroyClient(old);
        for (;;) {
          if (this.stopped) return;
          this.restartAttempt += 1;
          await new Promise((r) =>
            setTimeout(r, (this.opts.restartDelayMs ?? defaultRestartDelay)(this.restartAttempt)),
          );
          if (this.stopped) return;
          try {
            await this.launch();
            return;
          } catch (err) {
            this.log.error({ err, attempt: this.restartAttempt }, 'whatsapp client restart failed');
            const failed = this.client;
            this.client = undefined;
            if (failed) await this.destroyClient(failed);
            this.report({ status: 'disconnected', lastError: `restart failed: ${errorText(err)}` });
          }
        }
      } finally {
        this.restarting = undefined;
      }
    })();
    return this.restarting;
  }

  // ----------------------------------------------------------------------------------------------
  private async launch(): Promise<void> {
    const chromium = this.opts.chromium ?? {};
    const extra = this.opts.clientOptions ?? {};
    this.auth = makeSessionAuth(this.opts, this.log);
    const orphans = killChromiumUsing(profileDirOf(this.opts));
    if (orphans > 0)
      this.log.warn(
        { orphans },
        "killed Chromium processes left on this number's profile by a previous worker",
      );
    const executablePath = resolveChromium(chromium.executablePath);
    const client = new wwebjs.Client({
      ...extra,
      authStrategy: this.auth,
      puppeteer: {
        headless:
          chromium.headless === false ? false : isHeadlessShell(executablePath) ? 'shell' : true,
        ...extra.puppeteer,
        executablePath,
        args: [...(chromium.args ?? CHROMIUM_ARGS), ...(extra.puppeteer?.args ?? [])],
      },
    });
    this.client = client;
    this.ready = false;
    this.wire(client);
    this.opts.onClient?.(client);
    await client.initialize();
    if (this.client !== client) return;
    const browser = client.pupBrowser;
    if (!browser?.isConnected()) throw new Error('Chromium closed while the client started');
    browser.on('disconnected', () => {
      if (this.client !== client || this.stopped) return;
      this.log.error('chromium went away (killed or crashed)');
      void this.restart('Chromium was killed or crashed');
    });
  }

  private async destroyClient(client: Client): Promise<void> {
    client.removeAllListeners();
    await client
      .destroy()
      .catch((err: unknown) => this.log.debug({ err }, 'client destroy failed'));
    // destroy() skips a browser that lost its page connection; make sure its process is gone.
    const proc = client.pupBrowser?.process();
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  }

  private wire(client: Client): void {
    const current = () => this.client === client && !this.stopped;
    client.on('qr', (qr: string) => {
      if (!current()) return;
      this.ready = false;
      this.setStatus('qr', { qr });
      this.emit('qr', qr);
    });
    client.on('authenticated', () => {
      if (!current()) return;
      if (this.status !== 'ready') this.setStatus('authenticated', { qr: null });
      this.armReadyTimer(client);
    });
    client.on('ready', () => {
      if (!current()) return;
      this.clearReadyTimer();
      // The library fires ready on every resync: only the first one of a client changes anything.
      if (this.ready) return;
      this.ready = true;
      this.restartAttempt = 0;
      const phone = client.info?.wid?.user;
      // last_error stays: it tells the operator why the last restart happened.
      this.setStatus('ready', { qr: null, ...(phone ? { phone } : {}) });
    });
    client.on('change_state', (state: string) => {
      if (!current()) return;
      this.log.info({ state }, 'whatsapp socket state');
      if (state === 'TIMEOUT' && this.ready)
        this.setStatus('disconnected', { lastError: 'WhatsApp socket timed out; reconnecting' });
      if (state === 'CONNECTED' && this.ready && this.status === 'disconnected')
        this.setStatus('ready');
    });
    client.on('disconnected', (reason: string) => {
      if (!current()) return;
      this.ready = false;
      this.clearReadyTimer();
      if (LOGGED_OUT_REASONS.has(reason)) {
        this.setStatus('logged_out', {
          qr: null,
          lastError: 'The phone unlinked this device; scan a new QR code to link it again.',
        });
        const forgotten = this.auth
          ?.forget()
          .catch((err: unknown) => this.log.error({ err }, 'deleting the session failed'));
        // On LOGOUT the library reloads the page itself and shows a new QR; on UNPAIRED it
        // destroys the client, so a fresh one is started for the QR.
        if (reason !== 'LOGOUT') void forgotten?.then(() => this.restart(`logged out (${reason})`));
        return;
      }
      this.setStatus('disconnected', { lastError: `WhatsApp disconnected: ${reason}` });
      void this.restart(`disconnected: ${reason}`);
    });
    client.on('message', (msg: Message) => {
      if (!current()) return;
      void this.onInbound(client, msg);
    });
    client.on('message_create', (msg: Message) => {
      if (!current() || !msg.fromMe) return;
      void this.onOwnMessage(msg);
    });
    client.on('message_ack', (msg: Message, ack: number) => {
      const level = ackLevel(ack);
      if (level && msg.fromMe) this.emit('ack', msg.id._serialized, level);
    });
  }

  private armReadyTimer(client: Client): void {
    this.clearReadyTimer();
    this.readyTimer = setTimeout(() => {
      if (this.client === client && !this.ready)
        void this.restart('authenticated but never ready (ready timeout)');
    }, this.opts.readyTimeoutMs ?? 90_000);
  }

  private clearReadyTimer(): void {
    if (this.readyTimer) clearTimeout(this.readyTimer);
    this.readyTimer = undefined;
  }

  private setStatus(status: NumberStatus, extra: Omit<NumberStatusPatch, 'status'> = {}): void {
    this.status = status;
    this.report({ status, ...extra });
    this.emit('status', status, extra.lastError ?? undefined);
  }

  /** Row writes run one after another, so the stream never sees ready before authenticated. */
  private report(patch: NumberStatusPatch): void {
    this.rowWrites = this.rowWrites.then(() =>
      reportNumberStatus(this.opts.db, this.numberId, patch).catch((err: unknown) =>
        this.log.error({ err }, 'number status update failed'),
      ),
    );
  }

  /** A contact's message, on the current client. */
  protected abstract onInbound(client: Client, msg: Message): Promise<void>;

  /** A fromMe message: the bot's own send, or a person typing on the phone. */
  protected abstract onOwnMessage(msg: Message): Promise<void>;
}
