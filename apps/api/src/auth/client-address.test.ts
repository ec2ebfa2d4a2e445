import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import {
  clientAddress,
  parseTrustedProxies,
  trustNoProxy,
  type TrustedProxies,
} from './client-address.ts';

async function seen(
  trusted: TrustedProxies,
  from: string | undefined,
  forwardedFor?: string,
): Promise<string> {
  const app = new Hono();
  app.get('/', (c) => c.text(clientAddress(c, trusted)));
  const res = await app.request(
    '/',
    { headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} },
    from ? { incoming: { socket: { remoteAddress: from } } } : undefined,
  );
  return res.text();
}

describe('the client address', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', async () => {
    expect(await seen(trustNoProxy, '198.51.100.7', '1.2.3.4')).toBe('198.51.100.7');
    expect(await seen(trustNoProxy, '::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(await seen(trustNoProxy, undefined, '1.2.3.4')).toBe('unknown');
  });

  it('walks X-Forwarded-For from the right through trusted proxies only', async () => {
    const trusted = parseTrustedProxies('10.0.0.1, 172.16.0.0/12,fd00::/8', []);
    expect(await seen(trusted, '10.0.0.1', '6.6.6.6, 203.0.113.5')).toBe('203.0.113.5');
    expect(await seen(trusted, '10.0.0.1', '6.6.6.6, 203.0.113.5, 172.20.1.1')).toBe('203.0.113.5');
    expect(await seen(trusted, 'fd00::5', '2001:db8::1')).toBe('2001:db8::1');
    expect(await seen(trusted, '10.0.0.2', '203.0.113.5')).toBe('10.0.0.2');
    expect(await seen(trusted, '10.0.0.1', 'not-an-address')).toBe('10.0.0.1');
    expect(await seen(trusted, '10.0.0.1')).toBe('10.0.0.1');
  });

  it('says which WAFLOW_TRUST_PROXY entries are not addresses or ranges', () => {
    const problems: string[] = [];
    parseTrustedProxies('10.0.0.1,loopback,10.0.0.0/33,::1/129,1.2.3.4/8/1, 10.0.0.0/x', problems);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(
      /WAFLOW_TRUST_PROXY: "loopback" is not an IP address or CIDR range/,
    );
  });
});
