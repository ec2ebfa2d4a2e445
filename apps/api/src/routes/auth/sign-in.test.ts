// Sign-in throttling on real Postgres: the client address comes from the socket unless the peer is
// a configured proxy, an account backs off (never a long lock), an invite for an existing account
// is throttled like sign-in, and reading an invite never says whether the account exists.
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import pino from 'pino';
import { createDb, createKeyring, createUser, migrate, type DbClient } from '@waflow/db';
import { createTestDatabase } from '@waflow/testkit';
import { createApp } from '../../app.ts';
import { parseTrustedProxies } from '../../auth/client-address.ts';

type Json = Record<string, unknown>;
const PROXY = '10.0.0.1';

describe('signing in', () => {
  let client: DbClient;
  let app: ReturnType<typeof createApp>;
  let owner = '';
  let ws = '';

  /** A request as @hono/node-server hands it over: from a socket with this peer address. */
  const call = async (
    method: string,
    path: string,
    opts: { from?: string; forwardedFor?: string; token?: string; body?: unknown } = {},
  ) => {
    const res = await app.request(
      path,
      {
        method,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.forwardedFor ? { 'x-forwarded-for': opts.forwardedFor } : {}),
          ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      },
      { incoming: { socket: { remoteAddress: opts.from ?? '192.0.2.1' } } },
    );
    const text = await res.text();
    return {
      status: res.status,
      retryAfter: Number(res.headers.get('retry-after') ?? 0),
      body: (text ? JSON.parse(text) : {}) as Json,
    };
  };
  const login = (
    email: string,
    password: string,
    opts: { from?: string; forwardedFor?: string } = {},
  ) => call('POST', '/api/v1/auth/login', { ...opts, body: { email, password } });

  beforeAll(async () => {
    client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
    await migrate(client);
    app = createApp({
      client,
      keyring: createKeyring({ k1: randomBytes(32) }, 'k1'),
      log: pino({ level: 'silent' }),
      trustedProxies: parseTrustedProxies(`${PROXY},fd00::/8`, []),
    });
    const setup = await call('POST', '/api/v1/setup', {
      body: {
        email: 'olga@acme.test',
        password: 'correct horse battery',
        name: 'Olga',
        workspaceName: 'Acme',
      },
    });
    owner = setup.body.accessToken as string;
    ws = (setup.body.workspaces as { id: string }[])[0]?.id ?? '';
  });
  afterAll(async () => {
    await client.close();
  });
  afterEach(() => vi.useRealTimers());

  it('keys failures by the socket address, and believes X-Forwarded-For only from a configured proxy', async () => {
    vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
    // One client spraying wrong passwords over many accounts, claiming a new address each time.
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++)
      statuses.push(
        (
          await login(`nobody${i}@acme.test`, 'wrong password', {
            from: '198.51.100.7',
            forwardedFor: `203.0.113.${i}`,
          })
        ).status,
      );
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses[20]).toBe(429);
    // Through the trusted proxy, the address it saw is the client: another one is not held back...
    expect(
      (
        await login('someone@acme.test', 'wrong password', {
          from: PROXY,
          forwardedFor: 'made-up, 203.0.113.99',
        })
      ).status,
    ).toBe(401);
    // ...and the same client through the proxy is, whatever it writes further left.
    expect(
      (
        await login('someone@acme.test', 'wrong password', {
          from: PROXY,
          forwardedFor: '203.0.113.98, 198.51.100.7',
        })
      ).status,
    ).toBe(429);
    // An IPv4-mapped socket address is the same client; an untrusted peer's header is ignored.
    expect(
      (await login('someone@acme.test', 'wrong password', { from: '::ffff:198.51.100.7' })).status,
    ).toBe(429);
    expect(
      (
        await login('someone@acme.test', 'wrong password', {
          from: '198.51.100.8',
          forwardedFor: '198.51.100.7',
        })
      ).status,
    ).toBe(401);
  });

  it('backs an account off exponentially, up to a minute, instead of locking its owner out', async () => {
    const start = Date.now();
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    await createUser(client.db, {
      email: 'vic@acme.test',
      name: 'Vic',
      passwordHash: await hash('vic password 123'),
    });
    for (let i = 0; i < 5; i++)
      expect(
        (await login('vic@acme.test', 'wrong password', { from: '198.51.100.20' })).status,
      ).toBe(401);
    const waits: number[] = [];
    let now = start;
    for (let i = 0; i < 8; i++) {
      const held = await login('vic@acme.test', 'wrong password', { from: '198.51.100.20' });
      expect(held.status).toBe(429);
      expect((held.body.error as Json).code).toBe('TOO_MANY_ATTEMPTS');
      waits.push(held.retryAfter);
      // Any address: the account itself is backing off.
      expect(
        (await login('VIC@acme.test', 'vic password 123', { from: '198.51.100.21' })).status,
      ).toBe(429);
      now += held.retryAfter * 1000;
      vi.setSystemTime(now);
      expect(
        (await login('vic@acme.test', 'wrong password', { from: '198.51.100.20' })).status,
      ).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
    // The owner, a minute later and elsewhere, gets in.
    vi.setSystemTime(now + 60_000);
    expect(
      (await login('vic@acme.test', 'vic password 123', { from: '198.51.100.21' })).status,
    ).toBe(200);
  });

  it('throttles the password of an existing account given through an invite link like a sign-in', async () => {
    vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
    await createUser(client.db, {
      email: 'eve@other.test',
      name: 'Eve',
      passwordHash: await hash('eve password 123'),
    });
    const created = await call('POST', `/api/v1/workspaces/${ws}/invites`, {
      token: owner,
      body: { email: 'eve@other.test', role: 'editor' },
    });
    const link = created.body.token as string;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (
          await call('POST', `/api/v1/invites/${link}/accept`, {
            from: '198.51.100.30',
            body: { password: `guess ${i}` },
          })
        ).status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // The same throttle as signing in: the account is backing off there too.
    expect(
      (await login('eve@other.test', 'eve password 123', { from: '198.51.100.31' })).status,
    ).toBe(429);
    vi.setSystemTime(Date.now() + 2_000);
    const joined = await call('POST', `/api/v1/invites/${link}/accept`, {
      from: '198.51.100.31',
      body: { password: 'eve password 123' },
    });
    expect(joined.status).toBe(201);
    expect(joined.body.workspaces).toEqual([{ id: ws, name: 'Acme', role: 'editor' }]);
  });

  it('refuses one of the commonest passwords at first run, ignoring case', async () => {
    const common = await call('POST', '/api/v1/setup', {
      body: {
        email: 'olga@acme.test',
        password: 'Password123',
        name: 'Olga',
        workspaceName: 'Acme',
      },
    });
    expect(common.status).toBe(400);
    expect((common.body.error as Json).message).toMatch(
      /^password: this is one of the most common passwords.*choose another/,
    );
  });

  it('reads an invite for an existing account exactly as one for a new person, and holds a new account to the password policy', async () => {
    await createUser(client.db, {
      email: 'known@other.test',
      name: 'Known',
      passwordHash: await hash('known password 1'),
    });
    const linkFor = async (email: string) =>
      (
        await call('POST', `/api/v1/workspaces/${ws}/invites`, {
          token: owner,
          body: { email, role: 'viewer' },
        })
      ).body.token as string;
    const [known, fresh] = [await linkFor('known@other.test'), await linkFor('fresh@other.test')];
    const a = await call('GET', `/api/v1/invites/${known}`);
    const b = await call('GET', `/api/v1/invites/${fresh}`);
    expect(a.status).toBe(200);
    const shape = (x: Json) => ({ ...x, email: '', expiresAt: '' });
    expect(shape(a.body)).toEqual(shape(b.body));
    expect(Object.keys(a.body).sort()).toEqual(['email', 'expiresAt', 'role', 'workspaceName']);

    const weak = await call('POST', `/api/v1/invites/${fresh}/accept`, {
      body: { name: 'Fresh', password: 'qwertyuiop' },
    });
    expect(weak.status).toBe(400);
    expect((weak.body.error as Json).message).toMatch(
      /^password: this is one of the most common passwords/,
    );
    expect(
      (
        await call('POST', `/api/v1/invites/${fresh}/accept`, {
          body: { name: 'Fresh', password: 'short' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', `/api/v1/invites/${fresh}/accept`, {
          body: { name: 'Fresh', password: 'fresh password 1' },
        })
      ).status,
    ).toBe(201);
  });
});
