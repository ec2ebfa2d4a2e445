// The WhatsApp channel: one number served through whatsapp-web.js driving the system Chromium.
// It maps the library's events to the runtime's channel events and to the number's row (status,
// QR, phone, last error, restarts; each write notified on `number_status` for the API stream),
// and keeps the client alive: a ready timeout, a killed Chromium, or a lost connection restart
// the client with backoff; a session restores without a new QR (see session-auth.ts).
import { join, resolve } from 'node:path';
import wwebjs from 'whatsapp-web.js';
import type {
  AuthStrategy,
  Client,
  ClientOptions,
  Message,
  MessageContent,
  MessageSendOptions,
} from 'whatsapp-web.js';
import {
  recordNumberRestart,
  reportNumberStatus,
  type DbClient,
  type Keyring,
  type NumberStatusPatch,
} from '@waflow/db';
import { ChannelEmitter } from '../channel-emitter.ts';
import {
  ChannelSendError,
  templateAsText,
  type AckLevel,
  type Channel,
  type FreeFormMessage,
  type HandedMessage,
  type InboundMessage,
  type NumberStatus,
  type OutboundMessage,
  type PhoneMessage,
  type SendOptions,
} from '@waflow/channel';
import { bindNumber, type Logger } from '../../observability/logger.ts';
import { EgressError, type EgressClient } from '@waflow/egress';
import {
  assignNextMessageId,
  findAssignedMessage,
  messageIdFor,
  serializedOwnId,
} from './assigned-ids.ts';
import { CHROMIUM_ARGS, isHeadlessShell, killChromiumUsing, resolveChromium } from './chromium.ts';
import { defaultManners, typingDelayMs, type Manners } from './manners.ts';
import { isMediaRef, MediaStorage, mimeOfRef } from '@waflow/channel';
import {
  createLocalSessionAuth,
  createRemoteSessionAuth,
  EncryptedSessionStore,
} from './session-auth.ts';

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

/** WhatsApp's own limits: 16 MB for images, audio and video, 100 MB for documents. */
const MAX_MEDIA_BYTES = 16 * 1024 * 1024;
const MAX_DOCUMENT_BYTES = 100 * 1024 * 1024;

const LOGGED_OUT_REASONS = new Set(['LOGOUT', 'UNPAIRED', 'UNPAIRED_IDLE']);

function defaultRestartDelay(attempt: number): number {
  return Math.min(60_000, 1_000 * 2 ** Math.max(0, attempt - 1));
}

function isUserChat(id: string): boolean {
  return id.endsWith('@c.us') || id.endsWith('@lid');
}

function chatIdOf(to: string): string {
  return to.includes('@') ? to : `${to.replace(/\D/g, '')}@c.us`;
}

function ackLevel(ack: number): AckLevel | undefined {
  if (ack < 0) return 'failed';
  if (ack === 1) return 'sent';
  if (ack === 2) return 'delivered';
  if (ack >= 3) return 'read';
  return undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class WhatsAppChannel extends ChannelEmitter implements Channel {
  /** The runtime leaves the number's row to this channel (it writes QR, phone and restarts too). */
  readonly writesStatusRow = true;
  readonly numberId: string;
  private client: Client | undefined;
  private auth: (AuthStrategy & { saveNow(): Promise<void>; forget(): Promise<void> }) | undefined;
  private ready = false;
  private stopped = true;
  private restarting: Promise<void> | undefined;
  private restartAttempt = 0;
  private readyTimer: NodeJS.Timeout | undefined;
  private status: NumberStatus = 'new';
  private rowWrites: Promise<void> = Promise.resolve();
  private readonly manners: Manners;
  private readonly media: MediaStorage;
  /** Ids of messages the bot sent, so `message_create` can tell a person's message apart. */
  private readonly sentIds = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Sends reach the page one at a time: each takes the message id assigned just before it. */
  private pageTurn: Promise<unknown> = Promise.resolve();

  /** The options' logger with the number bound (once: a worker's has it already). */
  private readonly log: Logger;

  constructor(private readonly opts: WhatsAppChannelOptions) {
    super();
    this.numberId = opts.numberId;
    this.log = bindNumber(opts.log, opts.numberId);
    this.manners = { ...defaultManners, ...opts.manners };
    this.media = new MediaStorage(opts.dataDir);
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

  private dataPath(): string {
    return resolve(this.opts.dataDir, 'whatsapp', this.numberId);
  }

  /** The Chromium profile the auth strategy gives the browser (its folder naming). */
  private profileDir(): string {
    const id = `n${this.numberId.replace(/-/g, '')}`;
    return join(
      this.dataPath(),
      this.opts.session.kind === 'local' ? `session-${id}` : `RemoteAuth-${id}`,
    );
  }

  private makeAuth(): AuthStrategy & { saveNow(): Promise<void>; forget(): Promise<void> } {
    const dataPath = this.dataPath();
    const s = this.opts.session;
    if (s.kind === 'local') return createLocalSessionAuth(this.numberId, dataPath);
    return createRemoteSessionAuth({
      store: new EncryptedSessionStore(this.opts.db.db, s.keyring, this.numberId, dataPath),
      dataPath,
      log: this.log,
      ...(s.firstSaveDelayMs === undefined ? {} : { firstSaveDelayMs: s.firstSaveDelayMs }),
      ...(s.backupIntervalMs === undefined ? {} : { backupIntervalMs: s.backupIntervalMs }),
    });
  }

  private async launch(): Promise<void> {
    const chromium = this.opts.chromium ?? {};
    const extra = this.opts.clientOptions ?? {};
    this.auth = this.makeAuth();
    const orphans = killChromiumUsing(this.profileDir());
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

  private async onInbound(client: Client, msg: Message): Promise<void> {
    if (msg.fromMe || !isUserChat(msg.from) || msg.isStatus) return;
    try {
      const inbound = await this.toInbound(msg);
      if (!inbound) return;
      this.emit('inbound', inbound);
      if (this.manners.markSeen)
        await client
          .sendSeen(msg.from)
          .catch((err: unknown) => this.log.debug({ err }, 'mark seen failed'));
    } catch (err) {
      this.log.error({ err, messageId: msg.id._serialized }, 'inbound message could not be read');
    }
  }

  private async toInbound(msg: Message): Promise<InboundMessage | undefined> {
    const data: unknown = Reflect.get(msg, '_data');
    const notifyName =
      typeof data === 'object' &&
      data !== null &&
      'notifyName' in data &&
      typeof data.notifyName === 'string'
        ? data.notifyName
        : undefined;
    const base = {
      messageId: msg.id._serialized,
      from: msg.from,
      timestamp: msg.timestamp ? msg.timestamp * 1000 : Date.now(),
      ...(notifyName ? { contactName: notifyName } : {}),
    };
    let quotedMessageId: string | undefined;
    if (msg.hasQuotedMsg)
      quotedMessageId = (await msg.getQuotedMessage().catch(() => undefined))?.id._serialized;
    const quoted = quotedMessageId ? { quotedMessageId } : {};
    if (msg.type === 'location' && msg.location) {
      const { latitude, longitude, name, description } = msg.location;
      const label = name ?? description?.split('\n')[0];
      return {
        ...base,
        ...quoted,
        type: 'location',
        location: {
          latitude: Number(latitude),
          longitude: Number(longitude),
          ...(label ? { name: label } : {}),
        },
      };
    }
    if (msg.hasMedia) {
      const media = await msg.downloadMedia();
      if (!media) {
        this.log.warn(
          { messageId: msg.id._serialized },
          'media could not be downloaded (expired or deleted)',
        );
        return { ...base, ...quoted, type: 'text', text: msg.body ?? '' };
      }
      const fileName = media.filename ?? undefined;
      const ref = await this.media.save(this.numberId, msg.id._serialized, {
        data: Buffer.from(media.data, 'base64'),
        mimeType: media.mimetype,
        ...(fileName ? { fileName } : {}),
      });
      return {
        ...base,
        ...quoted,
        type: 'media',
        media: { ref, mimeType: media.mimetype, ...(fileName ? { fileName } : {}) },
        ...(msg.body ? { text: msg.body } : {}),
      };
    }
    if (msg.type !== 'chat') return undefined; // stickers, reactions, calls, system notices: nothing to answer
    return { ...base, ...quoted, type: 'text', text: msg.body };
  }

  /** A fromMe message: the bot's own send, or a person typing on the phone. */
  private async onOwnMessage(msg: Message): Promise<void> {
    if (!isUserChat(msg.to)) return;
    // The library reports our own sends before sendMessage() returns their id.
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    if (this.sentIds.has(msg.id._serialized)) return;
    this.log.info('a person replied from the phone; the bot steps back in that conversation');
    this.emit('humanReply', msg.to, phoneMessage(msg));
  }

  /**
   * Looks up, by the id `send` assigned from `outboxId`, whether a reply handed over before a
   * crash is in the contact's chat (see assigned-ids.ts).
   */
  async findHanded(outboxId: string, to: string): Promise<HandedMessage | null> {
    const client = this.client;
    if (!client || !this.ready)
      throw new ChannelSendError(
        `WhatsApp is not connected for this number (status ${this.status}): the interrupted reply is looked up once it is`,
        true,
      );
    return findAssignedMessage(client, chatIdOf(to), outboxId);
  }

  async send(
    outbound: OutboundMessage,
    opts?: SendOptions,
  ): Promise<{ providerMessageId: string }> {
    // WhatsApp Web has no templates: a template goes as its (fallback) text.
    const message = templateAsText(outbound);
    const client = this.client;
    if (!client || !this.ready)
      throw new ChannelSendError(
        `WhatsApp is not connected for this number (status ${this.status})`,
        true,
      );
    const chatId = chatIdOf(message.to);
    let content: MessageContent;
    const options: MessageSendOptions = {};
    try {
      content = await this.content(message, options);
    } catch (err) {
      // A URL the egress policy refuses (or too big, or malformed) will not change on a retry.
      const permanent =
        err instanceof EgressError &&
        err.code !== 'EGRESS_TIMEOUT' &&
        err.code !== 'EGRESS_NETWORK';
      throw new ChannelSendError(`the media could not be prepared: ${errorText(err)}`, !permanent);
    }
    await this.showTyping(
      client,
      chatId,
      message.type === 'text'
        ? message.text
        : message.type === 'media'
          ? (message.caption ?? '')
          : '',
    );
    if (this.client !== client || !this.ready)
      throw new ChannelSendError('WhatsApp reconnected while the reply was being typed', true);
    const ownId = opts ? messageIdFor(opts.outboxId) : undefined;
    // Known before the page reports it: its message_create is never taken for a person's.
    if (ownId) this.sentIds.add(serializedOwnId(chatId, ownId));
    const sending = this.inPageTurn(async () => {
      if (ownId)
        await assignNextMessageId(client, ownId).catch((err: unknown) =>
          this.log.warn({ err }, 'could not assign the message id; WhatsApp Web picks one'),
        );
      return client.sendMessage(chatId, content, { ...options, sendSeen: false });
    });
    const tracked = sending.then((m) => this.sentIds.add(m.id._serialized));
    this.inFlight.add(tracked);
    try {
      const sent = await sending;
      if (ownId && sent.id.id !== ownId)
        this.log.warn(
          'WhatsApp Web did not take the assigned message id (a crash now cannot be looked up)',
        );
      return { providerMessageId: sent.id._serialized };
    } catch (err) {
      // Once the page has the message it may be out already: after a browser lost now, the
      // outbox looks the reply up in the chat (by its assigned id) before sending it again, so
      // the contact gets it once (maybeSent).
      const gone = !client.pupBrowser?.isConnected() || client.pupPage?.isClosed() !== false;
      if (gone)
        throw new ChannelSendError(
          `Chromium closed while sending; looked up in the chat before any resend: ${errorText(err)}`,
          true,
          true,
        );
      throw new ChannelSendError(`WhatsApp refused the message: ${errorText(err)}`, true);
    } finally {
      this.inFlight.delete(tracked);
      void tracked.catch(() => undefined);
    }
  }

  private inPageTurn<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.pageTurn.then(fn, fn);
    this.pageTurn = run.catch(() => undefined);
    return run;
  }

  private async content(
    message: FreeFormMessage,
    options: MessageSendOptions,
  ): Promise<MessageContent> {
    switch (message.type) {
      case 'text':
        return message.text;
      case 'location':
        return new wwebjs.Location(
          message.latitude,
          message.longitude,
          message.name ? { name: message.name } : undefined,
        );
      case 'media': {
        const file = isMediaRef(message.url)
          ? {
              data: await this.media.read(message.url),
              mimeType: mimeOfRef(message.url),
              fileName: message.fileName ?? message.url.split('/').pop(),
            }
          : await this.fetchMedia(message.url, message.mediaType);
        if (message.caption) options.caption = message.caption;
        if (message.mediaType === 'document') options.sendMediaAsDocument = true;
        return new wwebjs.MessageMedia(
          file.mimeType,
          file.data.toString('base64'),
          message.fileName ?? file.fileName ?? null,
        );
      }
      default: {
        const never: never = message;
        throw new Error(`no WhatsApp Web content for ${JSON.stringify(never)}`);
      }
    }
  }

  private async fetchMedia(
    url: string,
    mediaType: string,
  ): Promise<{ data: Buffer; mimeType: string; fileName?: string }> {
    const res = await this.opts.egress.fetch({
      url,
      timeoutMs: 30_000,
      maxRedirects: 3,
      maxResponseBytes: mediaType === 'document' ? MAX_DOCUMENT_BYTES : MAX_MEDIA_BYTES,
    });
    if (res.status < 200 || res.status >= 300) throw new Error(`GET ${url} answered ${res.status}`);
    const fileName = new URL(res.url).pathname.split('/').pop();
    return {
      data: res.bytes,
      mimeType: res.headers['content-type'] ?? 'application/octet-stream',
      ...(fileName ? { fileName } : {}),
    };
  }

  private async showTyping(client: Client, chatId: string, text: string): Promise<void> {
    const ms = typingDelayMs(text, this.manners);
    if (ms <= 0) return;
    try {
      const chat = await client.getChatById(chatId);
      await chat.sendStateTyping();
      await new Promise((r) => setTimeout(r, ms));
    } catch (err) {
      this.log.debug({ err }, 'typing indicator failed');
    }
  }
}

/** What a person typed on the phone, for the transcript (media: its caption; not downloaded). */
function phoneMessage(msg: Message): PhoneMessage | undefined {
  const base = {
    messageId: msg.id._serialized,
    timestamp: msg.timestamp ? msg.timestamp * 1000 : Date.now(),
  };
  if (msg.type === 'location') return { ...base, type: 'location' };
  if (msg.hasMedia) return { ...base, type: 'media', ...(msg.body ? { text: msg.body } : {}) };
  if (msg.type === 'chat') return { ...base, type: 'text', text: msg.body };
  return undefined; // stickers, reactions, system notices: the pause still applies
}
