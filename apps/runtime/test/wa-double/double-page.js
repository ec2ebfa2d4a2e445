// The WhatsApp Web double's page script. whatsapp-web.js loads it as the cached "web version"
// (webVersionCache local + strict) and talks to it only through `window.Debug.VERSION` and
// `window.require(name)`: this file fakes the few modules the pinned library asks for, and
// `window.__waDouble` is the control surface the Node driver (wa-double.ts) calls through
// page.evaluate to play the phone and the WhatsApp servers.
//
// It mirrors the library's expectations, not WhatsApp's wire protocol: when a new library
// version asks for a module or member this file lacks, `__waDouble.surface()` lists it.
(() => {
  'use strict';

  // Replaced by the driver when it writes `<webVersion>.html`.
  const VERSION = '__WA_DOUBLE_VERSION__';
  const SESSION_KEY = 'waDouble:session';
  const SENT_KEY = 'waDouble:sent';

  // ---------------------------------------------------------------------------------------------
  // Events and models, Backbone style: WhatsApp Web's models emit `change:<attr>` with
  // (model, value, previous), collections re-emit their models' events, and the library
  // subscribes with space-separated names ('change:body change:caption').

  class Emitter {
    constructor() {
      this._listeners = new Map();
    }
    on(names, fn) {
      for (const name of String(names).split(/\s+/).filter(Boolean)) {
        if (!this._listeners.has(name)) this._listeners.set(name, []);
        this._listeners.get(name).push({ fn, once: false });
        this._listened(name);
      }
      return this;
    }
    once(names, fn) {
      for (const name of String(names).split(/\s+/).filter(Boolean)) {
        if (!this._listeners.has(name)) this._listeners.set(name, []);
        this._listeners.get(name).push({ fn, once: true });
        this._listened(name);
      }
      return this;
    }
    off(names, fn) {
      for (const name of String(names).split(/\s+/).filter(Boolean)) {
        const list = this._listeners.get(name);
        if (!list) continue;
        this._listeners.set(
          name,
          list.filter((l) => fn !== undefined && l.fn !== fn),
        );
      }
      return this;
    }
    listenerCount(name) {
      return (this._listeners.get(name) || []).length;
    }
    trigger(name, ...args) {
      const list = this._listeners.get(name);
      if (!list) return;
      for (const l of [...list]) {
        if (l.once) this.off(name, l.fn);
        // One failing subscriber must not stop the others, as in the real event bus.
        try {
          l.fn(...args);
        } catch (error) {
          reportError(error);
        }
      }
    }
    // Hook for subclasses that react to someone subscribing (the socket's sync, below).
    _listened() {}
  }

  class Model extends Emitter {
    constructor(attrs) {
      super();
      Object.defineProperty(this, '_collections', { value: new Set(), enumerable: false });
      Object.defineProperty(this, '_listeners', { value: this._listeners, enumerable: false });
      Object.assign(this, attrs);
    }
    set(keyOrAttrs, value) {
      const attrs = typeof keyOrAttrs === 'string' ? { [keyOrAttrs]: value } : keyOrAttrs;
      let changed = false;
      for (const [key, next] of Object.entries(attrs)) {
        const prev = this[key];
        if (prev === next) continue;
        this[key] = next;
        changed = true;
        this.trigger(`change:${key}`, this, next, prev);
      }
      if (changed) this.trigger('change', this);
      return this;
    }
    trigger(name, ...args) {
      super.trigger(name, ...args);
      for (const collection of this._collections) collection.trigger(name, ...args);
    }
    serialize() {
      return toPlain(this);
    }
  }

  class Collection extends Emitter {
    constructor(modelClass, idOf = (m) => m.id) {
      super();
      this.modelClass = modelClass;
      this._idOf = idOf;
      this._models = new Map();
    }
    get(id) {
      return this._models.get(idKey(id));
    }
    add(model) {
      const m = model instanceof Model ? model : new this.modelClass(model);
      this._models.set(idKey(this._idOf(m)), m);
      m._collections.add(this);
      this.trigger('add', m, this);
      return m;
    }
    remove(id) {
      const m = this.get(id);
      if (!m) return undefined;
      this._models.delete(idKey(this._idOf(m)));
      m._collections.delete(this);
      this.trigger('remove', m, this);
      return m;
    }
    getModelsArray() {
      return [...this._models.values()];
    }
    get length() {
      return this._models.size;
    }
  }

  // A key for a Wid, a MsgKey, or a plain serialized id.
  function idKey(id) {
    if (id && typeof id === 'object' && '_serialized' in id) return id._serialized;
    return String(id);
  }

  // A JSON-safe copy for page.evaluate results: own enumerable data only, bytes as arrays.
  function toPlain(value, depth = 0) {
    if (value === null || value === undefined) return value;
    if (typeof value === 'function') return undefined;
    if (typeof value !== 'object') return value;
    if (depth > 6) return undefined;
    if (value instanceof Uint8Array) return Array.from(value);
    if (value instanceof Collection || value instanceof Blob || value instanceof OpaqueData) {
      return undefined;
    }
    if (Array.isArray(value)) return value.map((v) => toPlain(v, depth + 1));
    const out = {};
    for (const [key, v] of Object.entries(value)) {
      const plain = toPlain(v, depth + 1);
      if (plain !== undefined) out[key] = plain;
    }
    return out;
  }

  function reportError(error) {
    state.errors.push(String((error && error.stack) || error));
  }

  function randomHex(bytes) {
    return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
      b.toString(16).padStart(2, '0'),
    )
      .join('')
      .toUpperCase();
  }

  function bytesToB64(bytes) {
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return btoa(binary);
  }

  function b64ToBytes(b64) {
    const binary = atob(b64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  async function sha256B64(bytes) {
    return bytesToB64(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
  }

  const nowSeconds = () => Math.floor(Date.now() / 1000);

  // ---------------------------------------------------------------------------------------------
  // Ids: WhatsApp ids ("wids") and message keys.

  class Wid {
    constructor(serialized) {
      const [user, server] = serialized.includes('@')
        ? serialized.split('@')
        : [serialized, 'c.us'];
      this.server = server;
      this.user = user;
      this._serialized = `${user}@${server}`;
    }
    isLid() {
      return this.server === 'lid';
    }
    isGroup() {
      return this.server === 'g.us';
    }
    isUser() {
      return this.server === 'c.us' || this.server === 'lid';
    }
    isStatus() {
      return this._serialized === 'status@broadcast';
    }
    isBroadcast() {
      return this.server === 'broadcast';
    }
    isNewsletter() {
      return this.server === 'newsletter';
    }
    toString() {
      return this._serialized;
    }
    toJid() {
      return this.server === 'c.us' ? `${this.user}@s.whatsapp.net` : this._serialized;
    }
    equals(other) {
      return Boolean(other) && idKey(other) === this._serialized;
    }
  }

  function toWid(id) {
    if (id instanceof Wid) return id;
    if (id && typeof id === 'object' && typeof id._serialized === 'string') {
      return new Wid(id._serialized);
    }
    if (typeof id === 'string' && id.length > 0) return new Wid(id);
    return null;
  }

  // The key of one message: who (remote chat), which direction, which id.
  class MsgKey {
    constructor({ from, to, id, participant, selfDir, fromMe, remote }) {
      this.fromMe = selfDir !== undefined ? selfDir === 'out' : Boolean(fromMe);
      this.remote = toWid(remote || (this.fromMe ? to : from));
      this.id = id;
      if (participant) this.participant = toWid(participant);
      this._serialized = [
        this.fromMe,
        this.remote._serialized,
        id,
        ...(this.participant ? [this.participant._serialized] : []),
      ].join('_');
    }
    toString() {
      return this._serialized;
    }
    static newId() {
      return `3EB0${randomHex(8)}`;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Models the library reads.

  class MsgModel extends Model {
    // Media messages carry their caption apart from the body (the library checks this).
    get mediaObject() {
      return this.directPath ? { type: this.type } : undefined;
    }
    get isEphemeral() {
      return false;
    }
    get isStatusV3() {
      return false;
    }
    unsafe() {
      return this;
    }
    canReply() {
      return true;
    }
    // The quoted-message fields a reply carries.
    msgContextInfo(chat) {
      return {
        quotedMsg: { type: this.type, body: this.body },
        quotedStanzaID: this.id.id,
        quotedParticipant: this.id.fromMe ? toWid(state.session.me) : this.from,
        quotedRemoteJid: chat.id,
      };
    }
    async downloadMedia() {
      if (this.mediaData) this.mediaData.mediaStage = 'RESOLVED';
    }
  }

  class ChatModel extends Model {
    constructor(attrs) {
      super(attrs);
      Object.defineProperty(this, 'msgs', {
        value: new Collection(MsgModel),
        enumerable: false,
      });
    }
  }

  class ContactModel extends Model {}

  const Msg = new Collection(MsgModel);
  Msg.getMessagesById = async (ids) => ({
    messages: ids.map((id) => Msg.get(id)).filter(Boolean),
  });
  const Chat = new Collection(ChatModel);
  Chat.find = async (id) => findOrCreateChat(toWid(id));
  const Contact = new Collection(ContactModel);
  Contact.find = async (id) => findOrCreateContact(toWid(id));
  const Blocklist = new Collection(Model);

  function findOrCreateContact(wid, pushname) {
    let contact = Contact.get(wid);
    if (!contact) {
      contact = Contact.add(
        new ContactModel({ id: wid, pushname: pushname || undefined, isBusiness: false }),
      );
    } else if (pushname && contact.pushname !== pushname) {
      contact.set('pushname', pushname);
    }
    return contact;
  }

  function findOrCreateChat(wid) {
    const existing = Chat.get(wid);
    if (existing) return existing;
    const contact = findOrCreateContact(wid);
    return Chat.add(
      new ChatModel({
        id: wid,
        formattedTitle: contact.name || contact.pushname || `+${wid.user}`,
        t: nowSeconds(),
        unreadCount: 0,
        archive: false,
        pin: 0,
        isLocked: false,
        mute: { expiration: 0 },
      }),
    );
  }

  // The socket (AppState): connection state and whether the first sync after login finished.
  class SocketModel extends Model {
    // A paired, connected page finishes its sync only once the library listens for it, so
    // `ready` never depends on a race between page start-up and the library's injection.
    _listened(name) {
      if (name === 'change:hasSynced') window.setTimeout(maybeSync, 0);
    }
    logout() {
      return forgetSession('library');
    }
    takeover() {
      this.set('state', 'CONNECTED');
    }
  }

  const Socket = new SocketModel({ state: 'OPENING', hasSynced: false, stream: 'DISCONNECTED' });
  const Conn = new Model({
    ref: newRef(),
    platform: 'android',
    pushname: undefined,
    wid: undefined,
  });
  Conn.serialize = () =>
    toPlain({ ref: Conn.ref, platform: Conn.platform, pushname: Conn.pushname });
  const Cmd = new Emitter();
  Cmd.refreshQR = () => Conn.set('ref', newRef());

  // The library's inject() ends by subscribing to these commands; once it has, closing the
  // browser no longer interrupts it (an interrupted inject is an unhandled rejection in Node).
  let markInjected;
  const injected = new Promise((resolve) => {
    markInjected = resolve;
  });
  Cmd._listened = (name) => {
    if (name === 'logout_from_bridge') markInjected();
  };

  function newRef() {
    return `2@${bytesToB64(crypto.getRandomValues(new Uint8Array(24)))}`;
  }

  function maybeSync() {
    if (
      state.session &&
      Socket.state === 'CONNECTED' &&
      !Socket.hasSynced &&
      Socket.listenerCount('change:hasSynced') > 0
    ) {
      Socket.set('hasSynced', true);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Durable state. The session lives in IndexedDB (written through at once, so it survives a
  // SIGKILLed Chromium) and is mirrored in localStorage; both sit in the browser profile, so the
  // library's LocalAuth/RemoteAuth carry them the way they carry WhatsApp Web's own.

  const db = new Promise((resolve, reject) => {
    const open = indexedDB.open('wa-double', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('kv');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });

  async function kv(mode, fn) {
    const store = (await db).transaction('kv', mode).objectStore('kv');
    return new Promise((resolve, reject) => {
      const request = fn(store);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  const kvGet = (key) => kv('readonly', (s) => s.get(key));
  const kvPut = (key, value) => kv('readwrite', (s) => s.put(value, key));
  const kvDelete = (key) => kv('readwrite', (s) => s.delete(key));

  async function saveSession(session) {
    localStorage.setItem(SESSION_KEY, JSON.stringify(session));
    await kvPut(SESSION_KEY, session);
  }

  async function forgetSession(by) {
    state.session = null;
    state.loggedOutBy = by;
    localStorage.removeItem(SESSION_KEY);
    await kvDelete(SESSION_KEY);
  }

  async function loadSession() {
    const stored = await kvGet(SESSION_KEY);
    if (stored && typeof stored.me === 'string') return stored;
    try {
      const mirrored = JSON.parse(localStorage.getItem(SESSION_KEY) || 'null');
      return mirrored && typeof mirrored.me === 'string' ? mirrored : null;
    } catch {
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // What happened, for the driver to read.

  const state = {
    session: null,
    loggedOutBy: null,
    // Everything the library sent through addAndSendMsgToChat, durable across restarts.
    sent: [],
    // Marks seen, typing, presence: the "manners" the runtime shows the contact.
    activity: [],
    // Module names the library asked for, and the names or members the double lacked.
    asked: new Set(),
    missing: new Set(),
    errors: [],
    // Set by holdSends(): sends wait here, before the server has them, until the page dies.
    hold: null,
    held: 0,
  };

  // Media bytes by direct path: what the fake media servers hold.
  const mediaServer = new Map();

  // ---------------------------------------------------------------------------------------------
  // Media: OpaqueData wraps a blob; prep computes its hash; "upload" stores it on mediaServer.

  class OpaqueData {
    constructor(blob) {
      this._blob = blob;
    }
    static async createFromData(data, mimetype) {
      return new OpaqueData(data instanceof Blob ? data : new Blob([data], { type: mimetype }));
    }
    url() {
      return URL.createObjectURL(this._blob);
    }
    autorelease() {}
    formData() {
      return this._blob;
    }
  }

  const blobsByHash = new Map();

  function mediaTypeOf(mimetype, params) {
    if (params.asSticker) return 'sticker';
    if (params.asDocument) return 'document';
    if (mimetype.startsWith('image/')) return 'image';
    if (mimetype.startsWith('video/')) return 'video';
    if (mimetype.startsWith('audio/')) return params.isPtt ? 'ptt' : 'audio';
    return 'document';
  }

  class MediaData {
    constructor(attrs) {
      Object.assign(this, attrs);
    }
    set(attrs) {
      Object.assign(this, attrs);
    }
    toJSON() {
      const { mediaBlob: _blob, ...rest } = this;
      return { ...rest, mediaData: { mediaStage: 'RESOLVED' } };
    }
  }

  function prepRawMedia(opaque, params) {
    return {
      waitForPrep: async () => {
        const blob = opaque._blob;
        const bytes = new Uint8Array(await blob.arrayBuffer());
        const filehash = await sha256B64(bytes);
        blobsByHash.set(filehash, bytes);
        return new MediaData({
          type: mediaTypeOf(blob.type, params),
          mimetype: blob.type,
          filename: blob.name,
          size: bytes.length,
          filehash,
          isGif: Boolean(params.asGif),
          mediaBlob: opaque,
          // The body of a media message is its preview; the double keeps it empty.
          preview: '',
        });
      },
    };
  }

  const mediaObjects = new Map();

  function getOrCreateMediaObject(filehash) {
    if (!mediaObjects.has(filehash)) {
      mediaObjects.set(filehash, {
        filehash,
        type: undefined,
        size: 0,
        contentInfo: {},
        consolidate(json) {
          this.type = json.type;
          this.size = json.size;
        },
      });
    }
    return mediaObjects.get(filehash);
  }

  async function uploadMedia({ mediaObject, mediaType }) {
    const bytes = blobsByHash.get(mediaObject.filehash);
    if (!bytes) throw new Error('double: upload of unknown media');
    const directPath = `/v/t62.double/${mediaType}/${randomHex(12)}`;
    mediaServer.set(directPath, bytes);
    return {
      mediaEntry: {
        mmsUrl: `https://mmg.whatsapp.net${directPath}`,
        deprecatedMms3Url: `https://mmg.whatsapp.net${directPath}`,
        directPath,
        mediaKey: bytesToB64(crypto.getRandomValues(new Uint8Array(32))),
        mediaKeyTimestamp: nowSeconds(),
        encFilehash: mediaObject.filehash,
        uploadHash: mediaObject.filehash,
      },
    };
  }

  async function downloadAndMaybeDecrypt({ directPath }) {
    const bytes = mediaServer.get(directPath);
    if (!bytes) {
      const error = new Error('double: media not found');
      error.status = 404;
      throw error;
    }
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }

  // ---------------------------------------------------------------------------------------------
  // Sending: the library builds the message, the double records it as the server would see it.

  async function recordSent(msg) {
    const quoted = msg.quotedStanzaID
      ? Msg.getModelsArray().find((m) => m.id.id === msg.quotedStanzaID)
      : undefined;
    const media = msg.directPath ? mediaServer.get(msg.directPath) : undefined;
    const record = {
      id: msg.id._serialized,
      to: msg.to._serialized,
      type: msg.type,
      body: msg.type === 'chat' ? msg.body : undefined,
      caption: msg.caption,
      quotedMsgId: quoted ? quoted.id._serialized : undefined,
      location:
        msg.type === 'location'
          ? { latitude: msg.lat, longitude: msg.lng, description: msg.loc, url: msg.clientUrl }
          : undefined,
      poll:
        msg.type === 'poll_creation'
          ? {
              name: msg.pollName,
              options: msg.pollOptions.map((o) => o.name),
              allowMultipleAnswers: msg.pollSelectableOptionsCount === 0,
            }
          : undefined,
      media: media
        ? {
            mimetype: msg.mimetype,
            filename: msg.filename,
            size: media.length,
            data: bytesToB64(media),
          }
        : undefined,
      t: msg.t,
    };
    state.sent.push(toPlain(record));
    await kvPut(SENT_KEY, state.sent);
  }

  function addAndSendMsgToChat(chat, message) {
    const msg = new MsgModel(message);
    const added = (async () => {
      if (!state.session) throw new Error('double: not logged in');
      if (state.hold) {
        state.held += 1;
        await state.hold;
      }
      await recordSent(msg);
      Msg.add(msg);
      chat.msgs.add(msg);
      chat.set('t', msg.t);
      return msg;
    })();
    // The server's acknowledgement arrives after the message is in the collection.
    const result = added.then(() => {
      window.setTimeout(() => msg.set('ack', 1), 0);
      return { messageSendResult: 'OK' };
    });
    return [added, result];
  }

  // ---------------------------------------------------------------------------------------------
  // Links: just enough of WALinkify for message models and location urls.

  const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;

  function findLinks(text) {
    if (typeof text !== 'string') return [];
    return [...text.matchAll(URL_PATTERN)].map((m) => ({ href: m[0], url: m[0] }));
  }

  // ---------------------------------------------------------------------------------------------
  // The module registry the library reads through window.require.

  const me = () => (state.session ? toWid(state.session.me) : null);

  const modules = {
    WAWebSocketModel: { Socket },
    WAWebConnModel: { Conn },
    WAWebCmd: { Cmd },
    WAWebOfflineHandler: {
      OfflineMessageHandler: { getOfflineDeliveryProgress: () => 100 },
    },
    WAWebAltDeviceLinkingApi: {
      setPairingType: () => undefined,
      initializeAltDeviceLinking: async () => undefined,
      initializeQRLinking: async () => undefined,
      startAltLinkingFlow: async () => 'DOUBLE01',
    },
    WAWebLaunchSocketUtils: { refreshQR: () => Cmd.refreshQR() },
    WABase64: { encodeB64: (bytes) => bytesToB64(new Uint8Array(bytes)) },
    WAWebCompanionRegClientUtils: { DEVICE_PLATFORM: 'WEB' },
    WAWebAdvSignatureApi: {},
    WAWebUserPrefsInfoStore: {
      waNoiseInfo: { get: async () => ({ staticKeyPair: { pubKey: identity.noise } }) },
    },
    WAWebSignalStoreApi: {
      waSignalStore: {
        getRegistrationInfo: async () => ({ identityKeyPair: { pubKey: identity.signal } }),
      },
    },
    WAWebUserPrefsMultiDevice: { getADVSecretKey: () => identity.advSecret },
    WAWebUserPrefsMeUser: {
      getMaybeMePnUser: () => me(),
      getMaybeMeLidUser: () => null,
      getMePnUserOrThrow: () => me(),
    },
    WAWebMiscBrowserUtils: { info: () => ({ os: 'Linux', name: 'Chrome', version: '0' }) },
    WAWebCollections: { Msg, Chat, Contact, Blocklist },
    WAWebSyncGatingUtils: {},
    // The library hooks the first Map it finds here to see incoming calls.
    WAWebCallCollection: { on: () => undefined, _calls: new Map() },
    WAWebAddonReactionTableMode: { reactionTableMode: { bulkUpsert: async () => undefined } },
    WAWebAddonPollVoteTableMode: { pollVoteTableMode: { bulkUpsert: async () => undefined } },
    WAWebBackendJobsCommon: { mediaTypeFromProtobuf: () => null },
    WAWebE2EProtoUtils: { typeAttributeFromProtobuf: () => 'text' },
    WALinkify: { findLink: (text) => findLinks(text)[0] || null, findLinks },
    WAWebWidFactory: {
      createWid: (id) => toWid(id),
      createWidFromWidLike: (id) => toWid(id),
      createUserWid: (user, server = 'c.us') => new Wid(`${user}@${server}`),
      asUserWidOrThrow: (id) => {
        const wid = toWid(id);
        if (!wid || !wid.isUser()) throw new Error(`double: not a user wid: ${idKey(id)}`);
        return wid;
      },
    },
    WAWebFindChatAction: {
      findOrCreateLatestChat: async (wid) => ({
        chat: findOrCreateChat(toWid(wid)),
        created: false,
      }),
    },
    WAWebChatGetters: {
      getIsNewsletter: (chat) => chat.id.isNewsletter(),
      getIsBroadcast: (chat) => chat.id.isBroadcast(),
      getIsGroup: (chat) => chat.id.isGroup(),
    },
    WAWebStreamModel: {
      Stream: { markAvailable: () => undefined, markUnavailable: () => undefined },
    },
    WAWebUpdateUnreadChatAction: {
      sendSeen: async ({ chat }) => {
        state.activity.push({ kind: 'seen', chatId: chat.id._serialized });
        chat.set('unreadCount', 0);
      },
    },
    WAWebChatStateBridge: {
      sendChatStateComposing: async (wid) => {
        state.activity.push({ kind: 'typing', chatId: idKey(wid) });
      },
      sendChatStateRecording: async (wid) => {
        state.activity.push({ kind: 'recording', chatId: idKey(wid) });
      },
      sendChatStatePaused: async (wid) => {
        state.activity.push({ kind: 'paused', chatId: idKey(wid) });
      },
    },
    WAWebPresenceChatAction: {
      sendPresenceAvailable: async () => {
        state.activity.push({ kind: 'available' });
      },
      sendPresenceUnavailable: async () => {
        state.activity.push({ kind: 'unavailable' });
      },
    },
    WAWebMsgKey: MsgKey,
    WAWebGetEphemeralFieldsMsgActionsUtils: { getEphemeralFields: () => ({}) },
    WAWebSendMsgChatAction: { addAndSendMsgToChat },
    WAWebMsgReply: { canReplyMsg: () => true },
    WAWebMediaOpaqueData: OpaqueData,
    WAWebPrepRawMedia: { prepRawMedia },
    WAWebMediaStorage: { getOrCreateMediaObject },
    WAWebMmsMediaTypes: {
      msgToMediaType: ({ type }) => type,
      castToV4: (type) => type,
    },
    WAWebMediaDataUtils: { shouldUseMediaCache: () => false },
    WAWebMediaMmsV4Upload: {
      uploadMedia,
      uploadUnencryptedMedia: uploadMedia,
    },
    WAWebDownloadManager: { downloadManager: { downloadAndMaybeDecrypt } },
    WAWebContactGetters: {
      getIsMe: (c) => Boolean(me()) && c.id._serialized === me()._serialized,
      getIsUser: (c) => c.id.isUser(),
      getIsGroup: (c) => c.id.isGroup(),
      getIsWAContact: () => true,
      getUserid: (c) => c.id.user,
      getVerifiedName: () => undefined,
      getVerifiedLevel: () => undefined,
      getStatusMute: () => false,
      getName: (c) => c.name,
      getShortName: (c) => c.shortName,
      getPushname: (c) => c.pushname,
      getIsEnterprise: () => false,
    },
    WAWebFrontendContactGetters: { getIsMyContact: (c) => Boolean(c.name) },
    WAWebApiContact: { getAlternateUserWid: () => null },
  };

  // Keys the QR code carries. Random per page, as WhatsApp Web's are per registration.
  const identity = {
    noise: crypto.getRandomValues(new Uint8Array(32)),
    signal: crypto.getRandomValues(new Uint8Array(32)),
    advSecret: bytesToB64(crypto.getRandomValues(new Uint8Array(32))),
  };

  // Each module is handed out behind a proxy that notes members the library reads but the
  // double lacks: after an upgrade, `surface()` names them instead of a TypeError deep inside.
  const IGNORED_MEMBERS = new Set(['then', 'toJSON', 'constructor', 'prototype', 'length', 'name']);
  const proxies = new Map();

  function watched(name, module) {
    if (!proxies.has(name)) {
      proxies.set(
        name,
        new Proxy(module, {
          get(target, prop, receiver) {
            if (
              typeof prop === 'string' &&
              !IGNORED_MEMBERS.has(prop) &&
              !Reflect.has(target, prop)
            ) {
              state.missing.add(`${name}.${prop}`);
            }
            return Reflect.get(target, prop, receiver);
          },
        }),
      );
    }
    return proxies.get(name);
  }

  window.require = (name) => {
    state.asked.add(name);
    const module = modules[name];
    if (module === undefined) {
      state.missing.add(name);
      return undefined;
    }
    return watched(name, module);
  };
  window.Debug = { VERSION };

  // ---------------------------------------------------------------------------------------------
  // Start-up: restore a paired session (the profile kept it) or wait to be paired by QR.

  const started = (async () => {
    const sent = await kvGet(SENT_KEY);
    if (Array.isArray(sent)) state.sent = sent;
    state.session = await loadSession();
    // WhatsApp Web shows the chats' history after a restart: what this device sent is in them.
    if (state.session) for (const record of state.sent) restoreSent(record);
    if (state.session) {
      Conn.set({ wid: toWid(state.session.me), pushname: state.session.pushname });
      Socket.set({ state: 'CONNECTED', stream: 'CONNECTED' });
    } else {
      Socket.set('state', 'UNPAIRED');
    }
  })().catch(reportError);

  // A message sent before the page (re)started, back in its chat as history (not a new message).
  function restoreSent(record) {
    const toId = toWid(record.to);
    const chat = findOrCreateChat(toId);
    const id = new MsgKey({ fromMe: true, remote: toId, id: record.id.split('_')[2] });
    const msg = new MsgModel({
      id,
      from: toWid(state.session.me),
      to: toId,
      t: record.t,
      ack: record.ack ?? 1,
      isNewMsg: false,
      self: 'out',
      type: record.type,
      body: record.body ?? '',
    });
    Msg.add(msg);
    chat.msgs.add(msg);
  }

  // ---------------------------------------------------------------------------------------------
  // The control surface: the phone and the servers, played by the Node driver.

  function requireReady() {
    if (!state.session || Socket.state !== 'CONNECTED') {
      const error = new Error(`double: not connected (socket ${Socket.state})`);
      error.code = 'DOUBLE_NOT_CONNECTED';
      throw error;
    }
  }

  function mediaAttrs(input, type) {
    const bytes = b64ToBytes(input.data);
    const directPath = `/v/t62.double/in/${randomHex(12)}`;
    mediaServer.set(directPath, bytes);
    return {
      type,
      mimetype: input.mimetype,
      filename: input.filename,
      size: bytes.length,
      directPath,
      filehash: randomHex(16),
      encFilehash: randomHex(16),
      mediaKey: bytesToB64(crypto.getRandomValues(new Uint8Array(32))),
      mediaKeyTimestamp: nowSeconds(),
      mediaData: { mediaStage: 'RESOLVED' },
    };
  }

  window.__waDouble = {
    started: () => started.then(() => Socket.state),
    injected: () => injected.then(() => true),

    // The phone scans the QR code: the session is stored, the socket connects and syncs.
    async pair({ me: meId, pushname }) {
      await started;
      if (state.session) throw new Error('double: already paired');
      if (Socket.state !== 'UNPAIRED' && Socket.state !== 'UNPAIRED_IDLE') {
        throw new Error(`double: cannot pair while the socket is ${Socket.state}`);
      }
      state.session = { me: toWid(meId)._serialized, pushname };
      await saveSession(state.session);
      Conn.set({ wid: toWid(meId), pushname });
      Socket.set('state', 'PAIRING');
      Socket.set({ state: 'CONNECTED', stream: 'CONNECTED' });
      maybeSync();
    },

    // WhatsApp shows a new QR code (they expire every ~20 seconds on the real page).
    refreshQr() {
      Conn.set('ref', newRef());
      return Conn.ref;
    },

    // A new sync cycle: WhatsApp Web does this after reconnects; the library re-emits
    // authenticated and ready each time.
    resync() {
      requireReady();
      Socket.set('hasSynced', false);
      Socket.set('hasSynced', true);
    },

    // A contact writes to the bot. Returns the message's serialized id.
    deliverInbound(input) {
      requireReady();
      const from = toWid(input.from);
      findOrCreateContact(from, input.pushname);
      const chat = findOrCreateChat(from);
      const id = new MsgKey({ fromMe: false, remote: from, id: input.id || randomHex(10) });
      const type = input.type || 'chat';
      const quoted = input.quotedMsgId ? Msg.get(input.quotedMsgId) : undefined;
      let attrs = { type, body: input.body || '' };
      if (type === 'location') {
        const loc = input.location || {};
        attrs = {
          type,
          body: '',
          lat: loc.latitude,
          lng: loc.longitude,
          loc: [loc.name, loc.address].filter(Boolean).join('\n') || undefined,
          clientUrl: loc.url,
        };
      } else if (input.media) {
        attrs = { ...mediaAttrs(input.media, type), body: '', caption: input.body || undefined };
      }
      const msg = new MsgModel({
        id,
        from,
        to: me(),
        t: nowSeconds(),
        ack: 1,
        isNewMsg: true,
        notifyName: input.pushname,
        ...attrs,
        ...(quoted ? quoted.msgContextInfo(chat) : {}),
      });
      Msg.add(msg);
      chat.msgs.add(msg);
      chat.set({ t: msg.t, unreadCount: chat.unreadCount + 1 });
      return id._serialized;
    },

    // A person types on the phone itself: a fromMe message the library did not send.
    sendFromPhone({ to, body }) {
      requireReady();
      const toId = toWid(to);
      const chat = findOrCreateChat(toId);
      const id = new MsgKey({ fromMe: true, remote: toId, id: `3A${randomHex(9)}` });
      const msg = new MsgModel({
        id,
        from: me(),
        to: toId,
        t: nowSeconds(),
        ack: 1,
        isNewMsg: true,
        self: 'out',
        type: 'chat',
        body,
      });
      Msg.add(msg);
      chat.msgs.add(msg);
      return id._serialized;
    },

    // The contact's phone (2), or its reader (3), acknowledges a message.
    ack(msgId, level) {
      const msg = Msg.get(msgId);
      if (!msg) throw new Error(`double: no message ${msgId}`);
      msg.set('ack', level);
      const record = state.sent.find((r) => r.id === msgId);
      if (record) record.ack = level;
    },

    // Applied on the next tick: on CONFLICT/UNPAIRED the library destroys the browser at once,
    // and the driver's evaluate must have returned by then.
    setSocketState(next) {
      window.setTimeout(() => Socket.set('state', next), 0);
    },

    // The phone unlinks this device: WhatsApp Web forgets the session and reloads itself.
    async logout() {
      await forgetSession('phone');
      Cmd.trigger('logout');
      // Let the library's logout handler reach Node before the page goes away.
      window.setTimeout(() => location.replace('https://web.whatsapp.com/'), 0);
    },

    // The connection stalls: the next sends never reach the server (a test then kills Chromium
    // mid-send). Returns nothing; heldSends() says how many are stuck.
    holdSends() {
      state.hold = new Promise(() => {});
    },
    heldSends: () => state.held,

    sent: () => toPlain(state.sent),
    activity: () => toPlain(state.activity),
    status: () => ({
      socket: Socket.state,
      hasSynced: Socket.hasSynced,
      paired: Boolean(state.session),
      me: state.session ? state.session.me : null,
      loggedOutBy: state.loggedOutBy,
      ref: Conn.ref,
    }),
    surface: () => ({ asked: [...state.asked].sort(), missing: [...state.missing].sort() }),
    errors: () => [...state.errors],
  };

  document.title = 'WhatsApp (double)';
})();
