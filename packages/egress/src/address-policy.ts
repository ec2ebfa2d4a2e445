// Which network addresses a flow or a webhook endpoint may reach. Everything that is not plain
// public unicast is refused (loopback, RFC 1918, link-local and cloud metadata, CGNAT, ULA,
// multicast, IPv4 embedded in IPv6, …) unless the operator allows it by name or range.
import ipaddr from 'ipaddr.js';

export interface EgressPolicy {
  /** Host names always allowed (exact, lower case), e.g. a self-hosted CRM. */
  allowHosts: readonly string[];
  /** CIDR ranges allowed despite being private, e.g. `10.20.0.0/16`. Loopback and link-local need their own range listed. */
  allowCidrs: readonly string[];
}

export const defaultEgressPolicy: EgressPolicy = { allowHosts: [], allowCidrs: [] };

/**
 * The operator's egress policy from WAFLOW_EGRESS_ALLOW_HOSTS / WAFLOW_EGRESS_ALLOW_CIDRS: the one
 * reading every process uses (the API with its embedded runtime, and each number worker), so an
 * http block or a webhook is judged the same wherever it runs. Bad entries go into `problems`.
 */
export function readEgressPolicy(env: NodeJS.ProcessEnv, problems: string[]): EgressPolicy {
  const list = (v: string | undefined) =>
    (v ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const allowCidrs = list(env.WAFLOW_EGRESS_ALLOW_CIDRS);
  for (const c of allowCidrs)
    if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(c))
      problems.push(`WAFLOW_EGRESS_ALLOW_CIDRS: "${c}" is not a CIDR range like 10.0.0.0/8`);
  return {
    allowHosts: list(env.WAFLOW_EGRESS_ALLOW_HOSTS).map((h) => h.toLowerCase()),
    allowCidrs,
  };
}

/**
 * A refused address, in words an admin reads: `reason` is a whole clause ("10.0.0.1 is a private
 * address (RFC 1918)"); `address` and `what` let a caller say it another way ("x.test resolves to
 * 10.0.0.1, a private address …"); `allowWith` names the variables that would let it through.
 */
export interface AddressRefusal {
  allowed: false;
  reason: string;
  address: string;
  what: string;
  allowWith: string;
}

export type AddressVerdict = { allowed: true } | AddressRefusal;

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;

/** IPv6 forms that carry an IPv4 address inside: judge the IPv4 address. */
function embeddedIPv4(addr: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  if (addr.isIPv4MappedAddress()) return addr.toIPv4Address();
  const range = addr.range();
  const parts = addr.parts;
  // NAT64 (64:ff9b::/96) and IPv4-compatible (::/96, deprecated) carry it in the low 32 bits.
  if (
    range === 'rfc6052' ||
    (parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || (parts[7] ?? 0) > 1))
  ) {
    const hi = parts[6] ?? 0;
    const lo = parts[7] ?? 0;
    return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  }
  return undefined;
}

function inAllowedCidr(addr: Parsed, cidrs: readonly string[]): boolean {
  for (const cidr of cidrs) {
    const [net, bits] = ipaddr.parseCIDR(cidr);
    if (net.kind() === addr.kind() && addr.match([net, bits])) return true;
  }
  return false;
}

/** Ranges a host allowed by name may resolve into (a self-hosted target); never loopback or metadata. */
const privateRanges = new Set(['private', 'carrierGradeNat', 'uniqueLocal']);

/**
 * Judges one IP address (v4 or v6, any notation ipaddr.js parses) against the policy.
 * `allowedByName`: the host was named in `allowHosts`, so private ranges pass.
 */
export function checkAddress(
  ip: string,
  policy: EgressPolicy,
  allowedByName = false,
): AddressVerdict {
  let addr: Parsed;
  try {
    addr = ipaddr.parse(ip.replace(/^\[|\]$/g, ''));
  } catch {
    return refusal(`"${ip}"`, 'not an IP address', 'WAFLOW_EGRESS_ALLOW_HOSTS');
  }
  if (inAllowedCidr(addr, policy.allowCidrs)) return { allowed: true };
  if (addr instanceof ipaddr.IPv6) {
    const inner = embeddedIPv4(addr);
    if (inner) {
      const verdict = checkAddress(inner.toString(), policy, allowedByName);
      return verdict.allowed
        ? verdict
        : refusal(`${ip} (which embeds ${inner.toString()})`, verdict.what, verdict.allowWith);
    }
  }
  const range = addr.range();
  if (range === 'unicast') return { allowed: true };
  if (allowedByName && privateRanges.has(range)) return { allowed: true };
  // A host named in WAFLOW_EGRESS_ALLOW_HOSTS may reach private ranges, never the others.
  const allowWith = privateRanges.has(range)
    ? 'WAFLOW_EGRESS_ALLOW_HOSTS or WAFLOW_EGRESS_ALLOW_CIDRS'
    : 'WAFLOW_EGRESS_ALLOW_CIDRS';
  return refusal(addr.toString(), describeRange(range), allowWith);
}

function refusal(address: string, what: string, allowWith: string): AddressRefusal {
  return { allowed: false, reason: `${address} is ${what}`, address, what, allowWith };
}

function describeRange(range: string): string {
  switch (range) {
    case 'loopback':
      return 'a loopback address';
    case 'private':
      return 'a private address (RFC 1918)';
    case 'linkLocal':
      return 'a link-local address (cloud metadata lives there)';
    case 'carrierGradeNat':
      return 'a carrier-grade NAT address (100.64.0.0/10)';
    case 'uniqueLocal':
      return 'an IPv6 unique-local address (fc00::/7)';
    case 'multicast':
      return 'a multicast address';
    case 'unspecified':
      return 'an unspecified address (0.0.0.0 / ::)';
    case 'broadcast':
      return 'a broadcast address';
    default:
      return `a reserved address (${range})`;
  }
}

/** True when `host` is an IP literal (after WHATWG URL normalisation, brackets allowed). */
export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(host.replace(/^\[|\]$/g, ''));
}

/**
 * A host written as an IP address that the policy refuses, with why; undefined for a name (judged
 * when it is called, by what it resolves to) or an allowed address. The validator's warning on
 * an http block's URL uses it, with the operator's policy.
 */
export function refusedLiteral(host: string, policy: EgressPolicy): AddressRefusal | undefined {
  if (!isIpLiteral(host)) return undefined;
  const verdict = checkAddress(host, policy, isHostAllowedByName(host, policy));
  return verdict.allowed ? undefined : verdict;
}

export function isHostAllowedByName(host: string, policy: EgressPolicy): boolean {
  return policy.allowHosts.includes(host.toLowerCase());
}
