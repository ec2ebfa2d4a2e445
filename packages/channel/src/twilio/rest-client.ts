// The few Twilio REST calls a Twilio WhatsApp number makes: send a message, read the account (the
// "check connection" button) and download inbound media. HTTP Basic auth with the Account SID and
// Auth Token; the base URL comes from the configuration, so tests point it at a local double.
import type { OutboundMessage } from '../channel.ts';
import { providerRequest, type ProviderResponse } from '../http-json.ts';
import { classifyTwilioError, type TwilioErrorVerdict } from './rest-error.ts';
import {
  toTwilioMessage,
  toTwilioTemplate,
  twilioMessageSid,
  type TwilioSendOptions,
  type TwilioTemplateMessage,
} from './rest-message.ts';

export interface TwilioConfig {
  /** `https://api.twilio.com` by default. */
  baseUrl: string;
  /** Per call (ms, default 15 s): a send that hangs is retried by the outbox, not waited on forever. */
  timeoutMs?: number;
}

export const defaultTwilioConfig: TwilioConfig = { baseUrl: 'https://api.twilio.com' };

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  /** `whatsapp:+<digits>` (or `+<digits>`), or a Messaging Service SID (`MG…`). */
  sender: string;
}

/** A Twilio call that did not succeed: Twilio's code, and whether trying again may help. */
export class TwilioCallError extends Error {
  readonly code = 'TWILIO_CALL_FAILED';
  constructor(
    readonly verdict: TwilioErrorVerdict,
    readonly httpStatus: number,
  ) {
    super(verdict.reason);
  }
}

type Auth = Pick<TwilioCredentials, 'accountSid' | 'authToken'>;

const base = (config: TwilioConfig): string => config.baseUrl.replace(/\/+$/, '');
const accountPath = (accountSid: string): string =>
  `/2010-04-01/Accounts/${encodeURIComponent(accountSid)}`;

function basicAuth(creds: Auth): string {
  return `Basic ${Buffer.from(`${creds.accountSid}:${creds.authToken}`).toString('base64')}`;
}

async function request(
  config: TwilioConfig,
  creds: Auth,
  url: string,
  form?: Record<string, string>,
): Promise<Response> {
  try {
    return await fetch(url, {
      method: form ? 'POST' : 'GET',
      headers: {
        authorization: basicAuth(creds),
        accept: 'application/json',
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      signal: AbortSignal.timeout(config.timeoutMs ?? 15_000),
    });
  } catch (err) {
    // Network errors and timeouts: the message may or may not have gone; the outbox's handed
    // record decides (it never sends a reply twice), so this is reported as transient.
    const why = err instanceof Error ? err.message : String(err);
    throw new TwilioCallError(
      { code: null, transient: true, reason: `Twilio could not be reached (${why}).` },
      0,
    );
  }
}

/** A REST call over kept-alive node:http connections (cheaper per send than fetch; see http-json.ts). */
async function call(
  config: TwilioConfig,
  creds: Auth,
  path: string,
  form?: Record<string, string>,
): Promise<Record<string, unknown>> {
  let res: ProviderResponse;
  try {
    res = await providerRequest(`${base(config)}${path}`, {
      method: form ? 'POST' : 'GET',
      headers: {
        authorization: basicAuth(creds),
        accept: 'application/json',
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      timeoutMs: config.timeoutMs ?? 15_000,
    });
  } catch (err) {
    // Network errors and timeouts: the message may or may not have gone; the outbox's handed
    // record decides (it never sends a reply twice), so this is reported as transient.
    const why = err instanceof Error ? err.message : String(err);
    throw new TwilioCallError(
      { code: null, transient: true, reason: `Twilio could not be reached (${why}).` },
      0,
    );
  }
  let body: unknown;
  try {
    body = res.text ? JSON.parse(res.text) : {};
  } catch {
    body = {};
  }
  if (res.status < 200 || res.status > 299)
    throw new TwilioCallError(classifyTwilioError(res.status, body), res.status);
  return typeof body === 'object' && body !== null ? { ...body } : {};
}

/** A template given by Content SID alone (an OutboundMessage template also names Meta's template). */
function isTwilioTemplate(
  message: OutboundMessage | TwilioTemplateMessage,
): message is TwilioTemplateMessage {
  return message.type === 'template' && !('name' in message);
}

/**
 * `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`; resolves with the sid Twilio gave the
 * message (`SM…`). Twilio answers `queued`: delivery comes later, as status callbacks.
 */
export async function sendTwilioMessage(
  config: TwilioConfig,
  creds: TwilioCredentials,
  message: OutboundMessage | TwilioTemplateMessage,
  opts: TwilioSendOptions = {},
): Promise<string> {
  const form = isTwilioTemplate(message)
    ? toTwilioTemplate(message, creds.sender, opts)
    : toTwilioMessage(message, creds.sender, opts);
  const answer = await call(config, creds, `${accountPath(creds.accountSid)}/Messages.json`, form);
  const sid = twilioMessageSid(answer);
  if (!sid)
    throw new TwilioCallError(
      { code: null, transient: false, reason: 'Twilio accepted the message without a sid.' },
      200,
    );
  return sid;
}

export interface TwilioAccountDetails {
  sid: string;
  friendlyName: string;
  /** `active`, `suspended` or `closed`. */
  status: string;
  /** `Trial` or `Full`. */
  type: string;
}

/** `GET /2010-04-01/Accounts/{AccountSid}.json`: proves the SID and the token belong together. */
export async function readTwilioAccount(
  config: TwilioConfig,
  creds: Auth,
): Promise<TwilioAccountDetails> {
  const body = await call(config, creds, `${accountPath(creds.accountSid)}.json`);
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  return {
    sid: text(body.sid) || creds.accountSid,
    friendlyName: text(body.friendly_name),
    status: text(body.status),
    type: text(body.type),
  };
}

/**
 * The bytes of an inbound media URL (`MediaUrl0`). Only URLs on the configured Twilio host get the
 * credentials: a webhook naming another host is refused rather than handed the auth token.
 */
export async function downloadTwilioMedia(
  config: TwilioConfig,
  creds: Auth,
  url: string,
): Promise<{ data: Buffer; mimeType: string }> {
  if (!URL.canParse(url) || new URL(url).origin !== new URL(base(config)).origin)
    throw new TwilioCallError(
      {
        code: null,
        transient: false,
        reason: `The media URL is not on Twilio's API host (${base(config)}): not fetched.`,
      },
      0,
    );
  // Twilio answers with a redirect to its media store; fetch drops the credentials on the way.
  const res = await request(config, creds, url);
  if (!res.ok) {
    const body: unknown = await res.json().catch(() => ({}));
    throw new TwilioCallError(classifyTwilioError(res.status, body), res.status);
  }
  return {
    data: Buffer.from(await res.arrayBuffer()),
    mimeType: res.headers.get('content-type') ?? 'application/octet-stream',
  };
}
