import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAddress, defaultEgressPolicy } from './address-policy.ts';
import { createEgressClient, EgressError, type Resolver } from './guarded-fetch.ts';

/** A DNS double for names that cannot resolve offline; unknown names fall back to "no address". */
function fakeResolver(table: Record<string, string[] | (() => string[])>): Resolver {
  return async (host) => {
    const entry = table[host];
    const ips = typeof entry === 'function' ? entry() : (entry ?? []);
    return ips.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

let receiver: Server;
let port = 0;
let hits = 0;
beforeAll(async () => {
  receiver = createServer((req, res) => {
    hits += 1;
    if (req.url === '/to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    } else if (req.url === '/to-rebind') {
      res.writeHead(302, { location: 'http://rebind.test/' }).end();
    } else if (req.url === '/big') {
      res.end('x'.repeat(10_000));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

const base = { timeoutMs: 2_000, maxRedirects: 3, maxResponseBytes: 1_000_000 };

describe('the egress guard refuses every SSRF bypass vector', () => {
  let flips = 0;
  const resolver = fakeResolver({
    'evil.test': ['127.0.0.1'],
    'metadata.test': ['169.254.169.254'],
    'mixed.test': ['93.184.216.34', '10.0.0.1'],
    'v6loop.test': ['::1'],
    'mapped.test': ['::ffff:127.0.0.1'],
    // A DNS answer that changes between lookups: public for a checker, internal for the socket.
    'rebind.test': () => (flips++ % 2 === 0 ? ['93.184.216.34'] : ['127.0.0.1']),
    localhost: ['127.0.0.1', '::1'],
  });
  const client = createEgressClient(defaultEgressPolicy, resolver);
  afterAll(() => client.close());

  const vectors: string[] = [
    'http://127.0.0.1/',
    'http://localhost/',
    'http://[::1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[0:0:0:0:0:ffff:7f00:1]/',
    'http://017700000001/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0x7f000001/',
    'http://127.1/',
    'http://127.0.1/',
    'http://0177.0.0.1/',
    'http://0/',
    'http://0.0.0.0/',
    'http://[::]/',
    'http://100.64.0.1/',
    'http://100.100.100.200/',
    'http://10.0.0.1/',
    'http://172.16.5.4/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00::1]/',
    'http://[fd00:ec2::254]/',
    'http://[fe80::1]/',
    'http://224.0.0.1/',
    'http://[ff02::1]/',
    'http://255.255.255.255/',
    'http://[64:ff9b::7f00:1]/',
    'http://[::127.0.0.1]/',
    'http://evil.test/',
    'http://metadata.test/',
    'http://mixed.test/',
    'http://v6loop.test/',
    'http://mapped.test/',
    'http://198.18.0.1/',
  ];

  it.each(vectors)('refuses %s', async (url) => {
    const before = hits;
    await expect(client.fetch({ ...base, url })).rejects.toMatchObject({ code: 'EGRESS_BLOCKED' });
    expect(hits).toBe(before);
  });

  it('says in one sentence what was refused and which variable allows it', async () => {
    await expect(client.fetch({ ...base, url: 'http://10.0.0.1/' })).rejects.toMatchObject({
      message:
        '10.0.0.1 is a private address (RFC 1918): requests there are refused (allow it with WAFLOW_EGRESS_ALLOW_HOSTS or WAFLOW_EGRESS_ALLOW_CIDRS)',
      refusal: { reason: '10.0.0.1 is a private address (RFC 1918)' },
    });
    await expect(client.fetch({ ...base, url: 'http://evil.test/' })).rejects.toMatchObject({
      message:
        'evil.test resolves to 127.0.0.1, a loopback address: requests there are refused (allow it with WAFLOW_EGRESS_ALLOW_CIDRS)',
      refusal: { reason: 'evil.test resolves to 127.0.0.1, a loopback address' },
    });
  });

  it('refuses a DNS answer that changes between lookups (the socket uses the checked answer)', async () => {
    for (let i = 0; i < 4; i++) {
      const r = client.fetch({ ...base, url: `http://rebind.test:${port}/` });
      await expect(r).rejects.toBeInstanceOf(EgressError);
    }
    expect(hits).toBe(0);
  });

  it('refuses schemes other than http and https, and credentials in the URL', async () => {
    await expect(client.fetch({ ...base, url: 'file:///etc/passwd' })).rejects.toMatchObject({
      code: 'EGRESS_BAD_URL',
    });
    await expect(client.fetch({ ...base, url: 'gopher://x/' })).rejects.toMatchObject({
      code: 'EGRESS_BAD_URL',
    });
    await expect(client.fetch({ ...base, url: 'http://u:p@example.com/' })).rejects.toMatchObject({
      code: 'EGRESS_BAD_URL',
    });
  });

  it('judges public unicast addresses allowed', () => {
    expect(checkAddress('93.184.216.34', defaultEgressPolicy)).toEqual({ allowed: true });
    expect(checkAddress('2606:2800:220:1:248:1893:25c8:1946', defaultEgressPolicy)).toEqual({
      allowed: true,
    });
  });
});

describe('explicitly allowed local receivers', () => {
  const resolver = fakeResolver({
    'hooks.example.com': ['127.0.0.1'],
    'rebind.test': ['93.184.216.34'],
  });
  const client = createEgressClient({ allowHosts: [], allowCidrs: ['127.0.0.0/8'] }, resolver);
  afterAll(() => client.close());

  it('lets an allowed host through and returns its answer', async () => {
    const res = await client.fetch({
      ...base,
      url: `http://hooks.example.com:${port}/hook`,
      method: 'POST',
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true });
  });

  it('re-checks every redirect hop: a redirect to the metadata address is refused', async () => {
    await expect(
      client.fetch({ ...base, url: `http://127.0.0.1:${port}/to-metadata` }),
    ).rejects.toMatchObject({
      code: 'EGRESS_BLOCKED',
    });
  });

  it('returns a 3xx as is when redirects are not followed (webhooks)', async () => {
    const res = await client.fetch({
      ...base,
      maxRedirects: 0,
      url: `http://127.0.0.1:${port}/to-metadata`,
    });
    expect(res.status).toBe(302);
  });

  it('stops reading an answer larger than the cap', async () => {
    await expect(
      client.fetch({ ...base, maxResponseBytes: 1_000, url: `http://127.0.0.1:${port}/big` }),
    ).rejects.toMatchObject({ code: 'EGRESS_TOO_LARGE' });
  });
});
