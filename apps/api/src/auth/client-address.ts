// The address a request comes from, for sign-in throttling. The socket's peer address, unless
// that peer is a reverse proxy listed in WAFLOW_TRUST_PROXY: then its X-Forwarded-For is read
// from the right, one hop per trusted proxy, and the first address not trusted is the client.
// Entries further left were written by the client and are never believed.
import { BlockList, isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

export interface TrustedProxies {
  has(address: string): boolean;
}

const unmapped = (address: string) =>
  /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;

/** Comma-separated IP addresses and CIDR ranges (`127.0.0.1,10.0.0.0/8,fd00::/8`); problems are appended. */
export function parseTrustedProxies(value: string | undefined, problems: string[]): TrustedProxies {
  const list = new BlockList();
  for (const entry of (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [ip = '', bits, extra] = entry.split('/');
    const family = isIP(unmapped(ip));
    const prefix = bits === undefined ? undefined : Number(bits);
    if (
      !family ||
      extra !== undefined ||
      (prefix !== undefined && (!/^\d+$/.test(bits ?? '') || prefix > (family === 4 ? 32 : 128)))
    ) {
      problems.push(
        `WAFLOW_TRUST_PROXY: "${entry}" is not an IP address or CIDR range (e.g. 10.0.0.1 or 10.0.0.0/8); separate several with commas`,
      );
      continue;
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(unmapped(ip), type);
    else list.addSubnet(unmapped(ip), prefix, type);
  }
  return {
    has: (address) => {
      const a = unmapped(address);
      const family = isIP(a);
      return family !== 0 && list.check(a, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

export const trustNoProxy: TrustedProxies = { has: () => false };

function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // No Node socket (app.request() in tests, another server adapter).
    return undefined;
  }
}

export function clientAddress(c: Context, trusted: TrustedProxies): string {
  let address = socketAddress(c);
  if (!address) return 'unknown';
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  while (trusted.has(address)) {
    const next = hops.pop();
    if (!next || !isIP(unmapped(next))) break;
    address = next;
  }
  return unmapped(address);
}
