// A local double of Twilio's REST API for WhatsApp (Programmable Messaging): a real HTTP server on
// 127.0.0.1 that speaks the documented wire format. It checks HTTP Basic auth (Account SID and
// Auth Token), records every send to Messages.json and answers with Twilio's message resource or
// Twilio's error bodies (injected by the test), serves the account and media URLs, and posts
// signed incoming-message and status-callback webhooks back to our receiver.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  inboundParams,
  newTwilioSid,
  postTwilioSigned,
  statusParams,
  type TwilioContactMessage,
  type TwilioMessageStatus,
  type TwilioWebhookTarget,
} from './webhooks.ts';

export interface TwilioSend {
  sid: string;
  accountSid: string;
  /** The form fields as posted (To, From or MessagingServiceSid, Body, MediaUrl, ContentSid…). */
  params: Record<string, string>;
  at: number;
}

export interface TwilioFailure {
  status: number;
  code: number;
  message: string;
}

export interface TwilioDouble {
  readonly baseUrl: string;
  readonly sends: TwilioSend[];
  /** Every request the double received, in order (method and path). */
  readonly requests: { method: string; path: string }[];
  /**
   * The next `count` REST calls (sends and account reads, not media downloads) fail with this
   * Twilio error (a code, e.g. 20429 or 63016, or a whole failure).
   */
  failNext(count: number, failure: number | TwilioFailure): void;
  /** Media the double serves (behind Basic auth, as with "enforce HTTP auth on media"); its URL. */
  addMedia(media: { data: Buffer; mimeType: string }): string;
  /** Posts a signed incoming-message webhook from the contact `from` (digits) to our receiver. */
  postInbound(
    target: TwilioWebhookTarget,
    from: { waId: string; name: string },
    message: TwilioContactMessage,
    opts?: { sid?: string; quotedSid?: string },
  ): Promise<{ sid: string; status: number; body: string }>;
  /** Posts a signed status callback for a recorded send to `target` (the status callback URL). */
  postStatus(
    target: TwilioWebhookTarget,
    send: TwilioSend,
    status: TwilioMessageStatus,
    errorCode?: number,
  ): Promise<number>;
  waitForSends(count: number, ms?: number): Promise<TwilioSend[]>;
  close(): Promise<void>;
}

const TWILIO_ERRORS: Record<number, string> = {
  20003: 'Authenticate',
  20404: 'The requested resource was not found',
  20429: 'Too Many Requests',
  20500: 'An internal server error has occurred',
  21211: "Invalid 'To' Phone Number",
  21603: "A 'From' phone number is required.",
  21604: "A 'To' phone number is required.",
  21610: 'Attempt to send to unsubscribed recipient',
  21619: 'A text message body or media url must be specified.',
  21656: 'The ContentVariables Parameter is invalid.',
  63003: 'Channel could not find To address',
  63007: 'Twilio could not find a Channel with the specified From address',
  63016:
    'Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.',
  63018: 'Rate limit exceeded for Channel',
  63038: 'Account exceeded the daily messages limit',
};

const STATUS_OF: Record<number, number> = { 20003: 401, 20404: 404, 20429: 429, 20500: 500 };

/** A Twilio error as Twilio answers it, for a known code. */
export function twilioFailure(code: number, status = STATUS_OF[code] ?? 400): TwilioFailure {
  return { status, code, message: TWILIO_ERRORS[code] ?? 'Unknown error' };
}

function errorBody(f: TwilioFailure): Record<string, unknown> {
  return {
    code: f.code,
    message: f.message,
    more_info: `https://www.twilio.com/docs/errors/${f.code}`,
    status: f.status,
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function fail(res: ServerResponse, failure: TwilioFailure): void {
  if (failure.code === 20003) res.setHeader('www-authenticate', 'Basic realm="Twilio API"');
  json(res, failure.status, errorBody(failure));
}

/** Twilio writes dates in RFC 2822. */
const rfc2822 = (ms: number): string => new Date(ms).toUTCString().replace('GMT', '+0000');

function basicUser(header: string | undefined): [string, string] | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

export async function startTwilioDouble(opts: {
  accountSid: string;
  authToken: string;
  /** The account's WhatsApp senders, `whatsapp:+<digits>`; any Messaging Service SID is accepted. */
  senders: string[];
  friendlyName?: string;
}): Promise<TwilioDouble> {
  const sends: TwilioSend[] = [];
  const requests: { method: string; path: string }[] = [];
  const failures: TwilioFailure[] = [];
  const media = new Map<string, { data: Buffer; mimeType: string }>();
  const account = `/2010-04-01/Accounts/${opts.accountSid}`;
  let baseUrl = '';

  const send = (res: ServerResponse, params: Record<string, string>): void => {
    const to = params.To;
    if (!to) return fail(res, twilioFailure(21604));
    if (!/^whatsapp:\+\d{5,20}$/.test(to))
      return fail(res, { ...twilioFailure(21211), message: `Invalid 'To' Phone Number: ${to}` });
    const service = params.MessagingServiceSid;
    if (service === undefined || !/^MG[0-9a-f]{32}$/i.test(service)) {
      if (!params.From) return fail(res, twilioFailure(21603));
      if (!opts.senders.includes(params.From)) return fail(res, twilioFailure(63007));
    }
    if (!params.Body && !params.MediaUrl && !params.ContentSid)
      return fail(res, twilioFailure(21619));
    if (params.ContentVariables !== undefined) {
      let vars: unknown;
      try {
        vars = JSON.parse(params.ContentVariables);
      } catch {
        vars = undefined;
      }
      if (typeof vars !== 'object' || vars === null || Array.isArray(vars))
        return fail(res, twilioFailure(21656));
    }
    const record: TwilioSend = {
      sid: newTwilioSid(params.MediaUrl ? 'MM' : 'SM'),
      accountSid: opts.accountSid,
      params,
      at: Date.now(),
    };
    sends.push(record);
    const now = rfc2822(record.at);
    json(res, 201, {
      account_sid: opts.accountSid,
      api_version: '2010-04-01',
      body: params.Body ?? '',
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: service ? null : params.From,
      messaging_service_sid: service ?? null,
      num_media: params.MediaUrl ? '1' : '0',
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid: record.sid,
      // A Messaging Service send is `accepted` until a sender is picked; a direct one is `queued`.
      status: service ? 'accepted' : 'queued',
      subresource_uris: { media: `${account}/Messages/${record.sid}/Media.json` },
      to,
      uri: `${account}/Messages/${record.sid}.json`,
    });
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://double');
      const path = url.pathname;
      requests.push({ method: req.method ?? 'GET', path });
      const body = await readBody(req);
      // Twilio's media store, where media URLs redirect: signed-URL style, no credentials.
      const cdn = /^\/media-store\/(ME[0-9a-f]{32})$/.exec(path);
      if (cdn?.[1]) {
        const m = media.get(cdn[1]);
        if (!m) return fail(res, twilioFailure(20404));
        res.writeHead(200, { 'content-type': m.mimeType, 'content-length': m.data.length });
        return res.end(m.data);
      }
      const user = basicUser(req.headers.authorization);
      if (!user || user[0] !== opts.accountSid || user[1] !== opts.authToken)
        return fail(res, twilioFailure(20003));
      const mediaPath =
        /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\/\w+\/Media\/(ME[0-9a-f]{32})$/.exec(path);
      if (req.method === 'GET' && mediaPath?.[2] && mediaPath[1] === opts.accountSid) {
        if (!media.has(mediaPath[2])) return fail(res, twilioFailure(20404));
        res.writeHead(307, { location: `${baseUrl}/media-store/${mediaPath[2]}` });
        return res.end();
      }
      const route = /^\/2010-04-01\/Accounts\/([^/]+?)(\.json|\/Messages\.json)$/.exec(path);
      if (!route || route[1] !== opts.accountSid)
        return fail(res, {
          ...twilioFailure(20404),
          message: `The requested resource ${path} was not found`,
        });
      const failure = failures.shift();
      if (failure) return fail(res, failure);
      if (req.method === 'POST' && route[2] === '/Messages.json') {
        // Twilio reads only form fields: a JSON body has no To.
        if (!/^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? ''))
          return fail(res, twilioFailure(21604));
        return send(res, Object.fromEntries(new URLSearchParams(body)));
      }
      if (req.method === 'GET' && route[2] === '.json')
        return json(res, 200, {
          date_created: rfc2822(Date.UTC(2024, 0, 1)),
          date_updated: rfc2822(Date.UTC(2024, 0, 1)),
          friendly_name: opts.friendlyName ?? 'waflow test account',
          owner_account_sid: opts.accountSid,
          sid: opts.accountSid,
          status: 'active',
          subresource_uris: { messages: `${account}/Messages.json` },
          type: 'Full',
          uri: `${account}.json`,
        });
      return fail(res, {
        status: 405,
        code: 20004,
        message: `Method ${req.method ?? ''} not allowed on ${path}`,
      });
    })().catch((err: unknown) =>
      json(res, 500, { code: 20500, message: String(err), status: 500 }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    sends,
    requests,
    failNext(count, failure) {
      const f = typeof failure === 'number' ? twilioFailure(failure) : failure;
      for (let i = 0; i < count; i++) failures.push(f);
    },
    addMedia(m) {
      const sid = newTwilioSid('ME');
      media.set(sid, m);
      return `${baseUrl}${account}/Messages/${newTwilioSid('MM')}/Media/${sid}`;
    },
    async postInbound(target, from, message, o = {}) {
      const { sid, params } = inboundParams(target, from, message, o);
      return { sid, ...(await postTwilioSigned(target, params)) };
    },
    async postStatus(target, s, status, errorCode) {
      const params = statusParams(target, {
        sid: s.sid,
        status,
        recipient: s.params.To ?? '',
        ...(errorCode ? { errorCode } : {}),
      });
      return (await postTwilioSigned(target, params)).status;
    },
    async waitForSends(count, ms = 15_000) {
      const deadline = Date.now() + ms;
      while (sends.length < count) {
        if (Date.now() > deadline)
          throw new Error(`the Twilio double got ${sends.length} sends, not ${count}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return sends.slice(0, count);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
