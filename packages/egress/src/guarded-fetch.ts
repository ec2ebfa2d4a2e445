// Every outbound HTTP request a flow or a webhook endpoint makes goes through here: scheme check,
// IP literals judged in every notation, DNS answers judged and PINNED for the connection (the
// socket connects to the address we checked: no DNS-rebinding window), redirects re-checked hop
// by hop, a timeout and a response size cap.
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress } from 'node:dns';
// undici is loaded on the first call (its ~9 MB stay out of number workers whose flows never call
// out): type-only here.
import type { Agent as UndiciAgent, request as undiciRequest } from 'undici';
import {
  checkAddress,
  isHostAllowedByName,
  isIpLiteral,
  type AddressRefusal,
  type EgressPolicy,
} from './address-policy.ts';

/**
 * Why the policy refused a destination, for callers that word it their own way (an http block's
 * "blocked: …", a webhook delivery's "…: deliveries there are refused"): `reason` is one clause
 * ("10.0.0.1 is a private address (RFC 1918)", "x.test resolves to 127.0.0.1, a loopback
 * address"), `allowWith` the variables an operator sets to allow it.
 */
export interface EgressRefusal {
  reason: string;
  allowWith: string;
}

/** A refused request's error: the refusal's clause, that it was refused, and how to allow it. */
export function blockedError(refusal: EgressRefusal): EgressError {
  return new EgressError(
    'EGRESS_BLOCKED',
    `${refusal.reason}: requests there are refused (allow it with ${refusal.allowWith})`,
    refusal,
  );
}

function resolvedRefusal(host: string, verdict: AddressRefusal): EgressRefusal {
  return {
    reason: `${host} resolves to ${verdict.address}, ${verdict.what}`,
    allowWith: verdict.allowWith,
  };
}

export class EgressError extends Error {
  constructor(
    readonly code:
      | 'EGRESS_BLOCKED'
      | 'EGRESS_TIMEOUT'
      | 'EGRESS_TOO_LARGE'
      | 'EGRESS_BAD_URL'
      | 'EGRESS_TOO_MANY_REDIRECTS'
      | 'EGRESS_NETWORK',
    message: string,
    /** Set when the policy refused the destination (EGRESS_BLOCKED). */
    readonly refusal?: EgressRefusal,
  ) {
    super(message);
  }
}

export type Resolver = (host: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses),
    );
  });

export interface GuardedRequest {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Redirects to follow (each hop re-checked). Webhooks: 0, so a 3xx is returned as is. */
  maxRedirects: number;
  maxResponseBytes: number;
}

export interface GuardedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The same answer as bytes (media). */
  bytes: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
}

export interface EgressClient {
  fetch(req: GuardedRequest): Promise<GuardedResponse>;
  close(): Promise<void>;
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EgressError(
      'EGRESS_BAD_URL',
      `"${raw}" is not a valid URL: write it as https://host/path`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EgressError(
      'EGRESS_BAD_URL',
      `only http and https URLs can be called, not ${url.protocol}`,
    );
  }
  if (url.username || url.password) {
    throw new EgressError('EGRESS_BAD_URL', 'put credentials in a header, not in the URL');
  }
  return url;
}

/**
 * Checks a destination before it is saved (a webhook endpoint): the URL's shape, and every address
 * its host resolves to now. A host that does not resolve yet is let through: each request is
 * checked again when it is made.
 */
export async function checkDestination(
  raw: string,
  policy: EgressPolicy,
  resolver: Resolver = systemResolver,
): Promise<void> {
  const url = parseUrl(raw);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const byName = isHostAllowedByName(host, policy);
  const addresses = isIpLiteral(host)
    ? [{ address: host, family: host.includes(':') ? 6 : 4 }]
    : await resolver(host).catch(() => []);
  for (const a of addresses) {
    const verdict = checkAddress(a.address, policy, byName);
    if (!verdict.allowed) {
      const refusal = isIpLiteral(host) ? verdict : resolvedRefusal(url.host, verdict);
      throw new EgressError(
        'EGRESS_BLOCKED',
        `${url.host} is not a public address (${refusal.reason}): use a public URL, or allow it with ${verdict.allowWith}`,
        refusal,
      );
    }
  }
}

export function createEgressClient(
  policy: EgressPolicy,
  resolver: Resolver = systemResolver,
): EgressClient {
  // The connector's lookup is the only DNS resolution used for a connection: what it checked is
  // what the socket connects to.
  const makeAgent = (Agent: typeof UndiciAgent) =>
    new Agent({
      connect: {
        lookup(hostname, options, callback) {
          const byName = isHostAllowedByName(hostname, policy);
          // Node asks for every address (`all`) when it races IPv4 and IPv6 (autoSelectFamily).
          const fail = (err: Error) => (options.all ? callback(err, []) : callback(err, '', 4));
          resolver(hostname).then(
            (addresses) => {
              if (addresses.length === 0)
                return fail(new EgressError('EGRESS_NETWORK', `${hostname} has no address`));
              for (const a of addresses) {
                const verdict = checkAddress(a.address, policy, byName);
                if (!verdict.allowed) return fail(blockedError(resolvedRefusal(hostname, verdict)));
              }
              if (options.all) return callback(null, addresses);
              const first = addresses[0]!;
              return callback(null, first.address, first.family);
            },
            (err: unknown) => fail(err instanceof Error ? err : new Error(String(err))),
          );
        },
      },
    });

  function checkLiteral(url: URL): void {
    const host = url.hostname;
    if (!isIpLiteral(host)) return;
    const verdict = checkAddress(host, policy, isHostAllowedByName(host, policy));
    if (!verdict.allowed) throw blockedError(verdict);
  }

  let client: Promise<{ agent: UndiciAgent; request: typeof undiciRequest }> | undefined;
  async function once(
    url: URL,
    req: GuardedRequest,
    signal: AbortSignal,
    method: string,
    body: string | undefined,
  ) {
    checkLiteral(url);
    client ??= import('undici').then(({ Agent, request }) => ({
      agent: makeAgent(Agent),
      request,
    }));
    const { agent, request } = await client;
    // undici's request() never follows redirects itself: the loop in fetch() does, hop by hop.
    return request(url, { method, headers: req.headers, body, dispatcher: agent, signal });
  }

  return {
    async fetch(req) {
      let url = parseUrl(req.url);
      let method = (req.method ?? 'GET').toUpperCase();
      let body = req.body;
      const signal = AbortSignal.timeout(req.timeoutMs);
      try {
        for (let hop = 0; ; hop++) {
          const res = await once(url, req, signal, method, body);
          const location = res.headers['location'];
          if (
            res.statusCode >= 300 &&
            res.statusCode < 400 &&
            typeof location === 'string' &&
            req.maxRedirects > 0
          ) {
            await res.body.dump();
            if (hop >= req.maxRedirects) {
              throw new EgressError(
                'EGRESS_TOO_MANY_REDIRECTS',
                `more than ${req.maxRedirects} redirects`,
              );
            }
            url = parseUrl(new URL(location, url).toString());
            if (
              res.statusCode === 303 ||
              ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')
            ) {
              method = 'GET';
              body = undefined;
            }
            continue;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          for await (const chunk of res.body) {
            const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
            size += buf.length;
            if (size > req.maxResponseBytes) {
              res.body.destroy();
              throw new EgressError(
                'EGRESS_TOO_LARGE',
                `the answer is larger than ${req.maxResponseBytes} bytes`,
              );
            }
            chunks.push(buf);
          }
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          }
          const bytes = Buffer.concat(chunks);
          return {
            status: res.statusCode,
            headers,
            body: bytes.toString('utf8'),
            bytes,
            url: url.toString(),
          };
        }
      } catch (err) {
        if (err instanceof EgressError) throw err;
        const cause =
          err instanceof Error && 'cause' in err && err.cause instanceof EgressError
            ? err.cause
            : undefined;
        if (cause) throw cause;
        if (signal.aborted)
          throw new EgressError('EGRESS_TIMEOUT', `no answer within ${req.timeoutMs} ms`);
        throw new EgressError('EGRESS_NETWORK', err instanceof Error ? err.message : String(err));
      }
    },
    // Nothing to close when no call was ever made.
    close: async () => (client ? (await client).agent.close() : undefined),
  };
}
