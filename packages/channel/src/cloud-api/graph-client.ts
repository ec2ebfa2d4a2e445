// The few Graph API calls a Cloud API number makes: send a message, read the phone number's
// details (the "check connection" button and the channel's start), list the WABA's templates.
// The base URL and version come from the configuration, so tests point them at a local double.
import { randomBytes } from 'node:crypto';
import type { OutboundMessage } from '../channel.ts';
import { classifyGraphError, type GraphErrorVerdict } from './graph-error.ts';
import { graphMessageId, toGraphMessages } from './graph-message.ts';
import { providerRequest, type ProviderResponse } from '../http-json.ts';

export interface GraphConfig {
  /** WAFLOW_CLOUD_API_BASE_URL, `https://graph.facebook.com` by default. */
  baseUrl: string;
  /** WAFLOW_CLOUD_API_VERSION, e.g. `v21.0`. */
  version: string;
  /** Per call (ms, default 15 s): a send that hangs is retried by the outbox, not waited on forever. */
  timeoutMs?: number;
}

export const defaultGraphConfig: GraphConfig = {
  baseUrl: 'https://graph.facebook.com',
  version: 'v21.0',
};

export interface CloudCredentials {
  phoneNumberId: string;
  accessToken: string;
}

/** A Graph API call that did not succeed: Meta's code, and whether trying again may help. */
export class GraphCallError extends Error {
  readonly code = 'GRAPH_CALL_FAILED';
  constructor(
    readonly verdict: GraphErrorVerdict,
    readonly httpStatus: number,
  ) {
    super(verdict.reason);
  }
}

async function call(
  config: GraphConfig,
  accessToken: string,
  path: string,
  init: { method: 'GET' | 'POST'; body?: unknown; multipart?: Multipart } = { method: 'GET' },
): Promise<unknown> {
  const url = `${config.baseUrl.replace(/\/+$/, '')}/${config.version}/${path}`;
  let res: ProviderResponse;
  try {
    res = await providerRequest(url, {
      method: init.method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        ...(init.multipart
          ? { 'content-type': init.multipart.contentType }
          : init.body === undefined
            ? {}
            : { 'content-type': 'application/json' }),
      },
      ...(init.multipart
        ? { body: init.multipart.body }
        : init.body === undefined
          ? {}
          : { body: JSON.stringify(init.body) }),
      timeoutMs: config.timeoutMs ?? 15_000,
    });
  } catch (err) {
    // Network errors and timeouts: the message may or may not have gone; the outbox's handed
    // record decides (it never sends a reply twice), so this is reported as transient.
    const why = err instanceof Error ? err.message : String(err);
    throw new GraphCallError(
      { code: null, transient: true, reason: `The Graph API could not be reached (${why}).` },
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
    throw new GraphCallError(classifyGraphError(res.status, body), res.status);
  return body;
}

interface Multipart {
  contentType: string;
  body: Buffer;
}

/** A multipart/form-data body of text fields and one file. */
function multipart(
  fields: Record<string, string>,
  file: { name: string; fileName: string; mimeType: string; data: Buffer },
): Multipart {
  const boundary = `waflow${randomBytes(12).toString('hex')}`;
  const quoted = (s: string) => s.replace(/["\r\n]/g, '_');
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
    );
  parts.push(
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="${file.name}"; filename="${quoted(file.fileName)}"\r\ncontent-type: ${file.mimeType}\r\n\r\n`,
    ),
    file.data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
}

/**
 * `POST /{phone-number-id}/media`: uploads a file (a team member's attachment from the inbox) and
 * answers the media id a message then names instead of a link.
 */
export async function uploadGraphMedia(
  config: GraphConfig,
  creds: CloudCredentials,
  file: { data: Buffer; mimeType: string; fileName: string },
): Promise<string> {
  const answer = await call(config, creds.accessToken, `${creds.phoneNumberId}/media`, {
    method: 'POST',
    multipart: multipart(
      { messaging_product: 'whatsapp', type: file.mimeType },
      { name: 'file', ...file },
    ),
  });
  const id =
    typeof answer === 'object' && answer !== null && 'id' in answer ? answer.id : undefined;
  if (typeof id !== 'string')
    throw new GraphCallError(
      { code: null, transient: false, reason: 'The Graph API accepted the media without an id.' },
      200,
    );
  return id;
}

/**
 * `POST /{phone-number-id}/messages`, once per body the message takes (a long text is sent in
 * parts, in order); resolves with the wamid of the last part.
 */
export async function sendGraphMessage(
  config: GraphConfig,
  creds: CloudCredentials,
  message: OutboundMessage,
): Promise<string> {
  let id: string | undefined;
  for (const body of toGraphMessages(message)) {
    const answer = await call(config, creds.accessToken, `${creds.phoneNumberId}/messages`, {
      method: 'POST',
      body,
    });
    id = graphMessageId(answer);
    if (!id)
      throw new GraphCallError(
        {
          code: null,
          transient: false,
          reason: 'The Graph API accepted the message without an id.',
        },
        200,
      );
  }
  if (!id) throw new Error('a message with nothing to send');
  return id;
}

export interface PhoneNumberDetails {
  id: string;
  displayPhoneNumber: string;
  verifiedName: string;
  qualityRating?: string;
}

/** `GET /{phone-number-id}`: proves the token and the id belong together. */
export async function readPhoneNumber(
  config: GraphConfig,
  creds: CloudCredentials,
): Promise<PhoneNumberDetails> {
  const body = (await call(
    config,
    creds.accessToken,
    `${creds.phoneNumberId}?fields=display_phone_number,verified_name,quality_rating`,
  )) as Record<string, unknown>;
  return {
    id: String(body.id ?? creds.phoneNumberId),
    displayPhoneNumber: String(body.display_phone_number ?? ''),
    verifiedName: String(body.verified_name ?? ''),
    ...(typeof body.quality_rating === 'string' ? { qualityRating: body.quality_rating } : {}),
  };
}

export interface CloudTemplate {
  name: string;
  language: string;
  status: string;
  category: string;
  /** The body as Meta shows it, with its `{{1}}`, `{{2}}`… (what a campaign fills per contact). */
  body: string;
  /** How many `{{n}}` parameters the body takes. */
  bodyParameters: number;
}

/** `GET /{waba-id}/message_templates`: the approved templates a flow may open with. */
export async function listTemplates(
  config: GraphConfig,
  accessToken: string,
  wabaId: string,
): Promise<CloudTemplate[]> {
  const body = (await call(
    config,
    accessToken,
    `${wabaId}/message_templates?fields=name,language,status,category,components&limit=200`,
  )) as { data?: unknown };
  const rows = Array.isArray(body.data) ? (body.data as Record<string, unknown>[]) : [];
  return rows.map((t) => {
    const components = Array.isArray(t.components)
      ? (t.components as Record<string, unknown>[])
      : [];
    const text = String(components.find((c) => c.type === 'BODY')?.text ?? '');
    return {
      name: String(t.name ?? ''),
      language: String(t.language ?? ''),
      status: String(t.status ?? ''),
      category: String(t.category ?? ''),
      body: text,
      bodyParameters: new Set(text.match(/\{\{\d+\}\}/g) ?? []).size,
    };
  });
}
