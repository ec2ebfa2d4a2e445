// A local double of Meta's Graph API for the WhatsApp Cloud API: a real HTTP server on 127.0.0.1
// that speaks the documented wire format. It checks the bearer token, records every send, answers
// with wamids or Meta's error bodies (injected by the test), serves phone-number details,
// templates and media, and posts signed webhooks (messages and statuses) back to our receiver.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newWamid, postSigned, statusWebhook, type WebhookTarget } from './webhooks.ts';

export interface GraphSend {
  phoneNumberId: string;
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export interface GraphUpload {
  id: string;
  phoneNumberId: string;
  mimeType: string;
  fileName: string;
  data: Buffer;
}

export interface GraphFailure {
  status: number;
  code: number;
  message: string;
  details?: string;
}

export interface GraphTemplate {
  name: string;
  language: string;
  status: 'APPROVED' | 'PENDING' | 'REJECTED';
  category: string;
  components: unknown[];
}

export interface GraphApiDouble {
  readonly baseUrl: string;
  readonly sends: GraphSend[];
  /** Every request the double received, in order (method and path). */
  readonly requests: { method: string; path: string }[];
  templates: GraphTemplate[];
  /** Files uploaded through `POST /{phone-number-id}/media`, in order. */
  readonly uploads: GraphUpload[];
  /**
   * The next `count` Graph calls (sends, phone-number reads, template lists; not media
   * downloads) fail with this error body (rate limits, expired tokens, the 24 h window, …).
   */
  failNext(count: number, failure: GraphFailure): void;
  /** Media the double serves by id (inbound media downloads). */
  addMedia(id: string, media: { data: Buffer; mimeType: string }): void;
  /** Posts a `sent`/`delivered`/… status webhook for a recorded send. */
  postStatus(
    target: WebhookTarget,
    send: GraphSend,
    status: 'sent' | 'delivered' | 'read' | 'failed',
    errorCode?: number,
  ): Promise<number>;
  waitForSends(count: number, ms?: number): Promise<GraphSend[]>;
  /** Calls `listener` for every send recorded from now on; the returned function stops it. */
  onSend(listener: (send: GraphSend) => void): () => void;
  close(): Promise<void>;
}

const META_ERRORS: Record<number, string> = {
  190: 'Error validating access token: Session has expired.',
  100: 'Invalid parameter',
  130429: 'Rate limit hit',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  131047: 'Re-engagement message',
  131026: 'Message undeliverable',
};

function errorBody(f: GraphFailure): Record<string, unknown> {
  return {
    error: {
      message: `(#${f.code}) ${f.message}`,
      type: 'OAuthException',
      code: f.code,
      error_data: { messaging_product: 'whatsapp', details: f.details ?? f.message },
      fbtrace_id: 'AbCdEf123',
    },
  };
}

/** A Graph API error body as Meta writes it, for a known code. */
export function graphFailure(code: number, status = code === 190 ? 401 : 400): GraphFailure {
  return { status, code, message: META_ERRORS[code] ?? 'Unknown error' };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Meta's answer to a request it refuses: `(#code) message` in an OAuthException body. */
function fail(res: ServerResponse, status: number, code: number, message: string): void {
  json(res, status, errorBody({ status, code, message }));
}

export async function startGraphApiDouble(opts: {
  accessToken: string;
  phoneNumbers: Record<string, { display: string; verifiedName: string }>;
}): Promise<GraphApiDouble> {
  const sends: GraphSend[] = [];
  const requests: { method: string; path: string }[] = [];
  const failures: GraphFailure[] = [];
  const media = new Map<string, { data: Buffer; mimeType: string }>();
  const uploads: GraphUpload[] = [];
  const listeners = new Set<(send: GraphSend) => void>();
  const double = { templates: [] as GraphTemplate[] };
  let baseUrl = '';

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://double');
      requests.push({ method: req.method ?? 'GET', path: url.pathname });
      const raw = await readBody(req);
      const body = raw.toString('utf8');
      // /media-files/<id> is the download URL Meta hands out; it needs the token too.
      if (req.headers.authorization !== `Bearer ${opts.accessToken}`)
        return json(res, 401, errorBody(graphFailure(190)));
      const parts = url.pathname.split('/').filter(Boolean);
      if (parts[0] === 'media-files' && parts[1]) {
        const m = media.get(parts[1]);
        if (!m) return fail(res, 404, 100, 'Media not found');
        res.writeHead(200, { 'content-type': m.mimeType, 'content-length': m.data.length });
        return res.end(m.data);
      }
      const [version, node, edge] = parts;
      if (!version || !/^v\d+\.\d+$/.test(version) || !node)
        return fail(res, 400, 100, 'Unknown path components');
      const failure = failures.shift();
      if (failure) return json(res, failure.status, errorBody(failure));
      if (req.method === 'POST' && edge === 'messages') {
        if (!opts.phoneNumbers[node])
          return fail(res, 400, 100, `Object with ID '${node}' does not exist`);
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(body) as Record<string, unknown>;
        } catch {
          return fail(res, 400, 100, 'Invalid JSON');
        }
        if (
          parsed.messaging_product !== 'whatsapp' ||
          typeof parsed.to !== 'string' ||
          typeof parsed.type !== 'string'
        )
          return json(res, 400, errorBody(graphFailure(100)));
        const send: GraphSend = {
          phoneNumberId: node,
          id: newWamid(),
          body: parsed,
          at: Date.now(),
        };
        sends.push(send);
        for (const l of listeners) l(send);
        return json(res, 200, {
          messaging_product: 'whatsapp',
          contacts: [{ input: parsed.to, wa_id: parsed.to }],
          messages: [{ id: send.id }],
        });
      }
      if (req.method === 'POST' && edge === 'media') {
        // Meta's upload: multipart/form-data with messaging_product, type and the file.
        if (!opts.phoneNumbers[node])
          return fail(res, 400, 100, `Object with ID '${node}' does not exist`);
        let form: FormData;
        try {
          form = await new Response(new Uint8Array(raw), {
            headers: { 'content-type': req.headers['content-type'] ?? '' },
          }).formData();
        } catch {
          return fail(res, 400, 100, 'The parameter file is required.');
        }
        const file = form.get('file');
        if (form.get('messaging_product') !== 'whatsapp' || !(file instanceof Blob))
          return fail(res, 400, 100, 'The parameter file is required.');
        const id = String(Date.now()) + String(uploads.length).padStart(4, '0');
        const upload: GraphUpload = {
          id,
          phoneNumberId: node,
          mimeType: String(form.get('type') ?? file.type),
          fileName: file instanceof File ? file.name : 'file',
          data: Buffer.from(await file.arrayBuffer()),
        };
        uploads.push(upload);
        media.set(id, { data: upload.data, mimeType: upload.mimeType });
        return json(res, 200, { id });
      }
      if (req.method === 'GET' && edge === 'message_templates')
        return json(res, 200, {
          data: double.templates,
          paging: { cursors: { before: 'a', after: 'b' } },
        });
      if (req.method === 'GET' && !edge) {
        const number = opts.phoneNumbers[node];
        if (number)
          return json(res, 200, {
            id: node,
            display_phone_number: number.display,
            verified_name: number.verifiedName,
            quality_rating: 'GREEN',
          });
        const m = media.get(node);
        if (m)
          return json(res, 200, {
            messaging_product: 'whatsapp',
            id: node,
            url: `${baseUrl}/media-files/${node}`,
            mime_type: m.mimeType,
            sha256: 'x',
            file_size: m.data.length,
          });
      }
      return fail(res, 400, 100, `Unsupported request ${req.method} ${url.pathname}`);
    })().catch((err: unknown) => json(res, 500, { error: { message: String(err), code: 1 } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(double, {
    baseUrl,
    sends,
    uploads,
    requests,
    failNext(count: number, failure: GraphFailure) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    addMedia(id: string, m: { data: Buffer; mimeType: string }) {
      media.set(id, m);
    },
    async postStatus(
      target: WebhookTarget,
      send: GraphSend,
      status: 'sent' | 'delivered' | 'read' | 'failed',
      errorCode?: number,
    ) {
      const payload = statusWebhook(target, {
        id: send.id,
        status,
        recipient: String(send.body.to),
        ...(errorCode ? { errorCode } : {}),
      });
      return (await postSigned(target.url, payload, target.appSecret)).status;
    },
    async waitForSends(count: number, ms = 15_000) {
      const deadline = Date.now() + ms;
      while (sends.length < count) {
        if (Date.now() > deadline)
          throw new Error(`the Graph API double got ${sends.length} sends, not ${count}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return sends.slice(0, count);
    },
    onSend(listener: (send: GraphSend) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}
