// The API's front door on real Postgres: first-run setup, sign-in with its throttle, refresh
// rotation, forged and expired tokens (flows and the simulator: app-flows.test.ts).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DbClient, Keyring } from '@waflow/db';
import type { Runtime } from '@waflow/runtime';
import { caller, startApiWithRuntime, type App } from './app-test-harness.ts';
import { issueAccessToken, issueRefreshToken } from './auth/tokens.ts';

describe('the API', () => {
  let client: DbClient;
  let runtime: Runtime;
  let app: App;
  let keyring: Keyring;
  let token = '';
  let ws = '';
  const call = caller(
    () => app,
    () => token,
  );

  beforeAll(async () => {
    ({ client, runtime, app, keyring } = await startApiWithRuntime());
  });
  afterAll(async () => {
    await runtime.stop();
    await client.close();
  });

  it('sets up the first owner once, then refuses a second setup', async () => {
    expect(await (await call('GET', '/api/v1/setup')).json()).toEqual({ needsSetup: true });
    const bad = await call('POST', '/api/v1/setup', {
      email: 'not-an-email',
      password: 'short',
      name: 'O',
      workspaceName: 'Acme',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/email/);
    const res = await call('POST', '/api/v1/setup', {
      email: 'owner@acme.test',
      password: 'correct horse battery',
      name: 'Olga',
      workspaceName: 'Acme',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('set-cookie')).toMatch(/waflow_refresh=.*HttpOnly.*SameSite=Strict/i);
    const body = (await res.json()) as {
      accessToken: string;
      workspaces: { id: string; role: string }[];
    };
    token = body.accessToken;
    ws = body.workspaces[0]?.id ?? '';
    expect(body.workspaces[0]?.role).toBe('owner');
    const again = await call('POST', '/api/v1/setup', {
      email: 'x@acme.test',
      password: 'correct horse battery',
      name: 'X',
      workspaceName: 'B',
    });
    expect(again.status).toBe(409);
  });

  it('signs in with the password and refuses a wrong one, rate-limiting repeated failures', async () => {
    const saved = token;
    token = '';
    // Frozen: the sixth attempt comes within the first backoff step however slow the machine is.
    vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
    expect(
      (
        await call('POST', '/api/v1/auth/login', {
          email: 'OWNER@acme.test',
          password: 'correct horse battery',
        })
      ).status,
    ).toBe(200);
    for (let i = 0; i < 5; i++)
      expect(
        (await call('POST', '/api/v1/auth/login', { email: 'owner@acme.test', password: 'wrong' }))
          .status,
      ).toBe(401);
    const limited = await call('POST', '/api/v1/auth/login', {
      email: 'owner@acme.test',
      password: 'wrong',
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    vi.useRealTimers();
    token = saved;
  });

  it('rotates the refresh cookie, lets two tabs refresh at once, and closes a session whose old token is replayed', async () => {
    // (The previous test left this account's sign-in rate-limited: a session is issued as sign-in does.)
    const { sub } = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as { sub: string };
    const cookieOf = (res: Response) =>
      /waflow_refresh=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const refresh = (cookie: string) =>
      app.request('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { cookie: `waflow_refresh=${cookie}` },
      });
    const { token: first } = await issueRefreshToken(client.db, sub);

    const rotated = await refresh(first);
    expect(rotated.status).toBe(200);
    const second = cookieOf(rotated);
    expect(second).not.toBe(first);
    // Two tabs loading at the same moment send the same cookie: both get the session's next token.
    const [a, b] = await Promise.all([refresh(second), refresh(second)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(((await a.json()) as { accessToken: string }).accessToken).toMatch(/\./);
    expect(cookieOf(a)).toBe(cookieOf(b));
    // The first cookie again, seconds later: a tab that raced, still fine.
    expect((await refresh(first)).status).toBe(200);

    // The same token a minute after it was swapped is a replay: the whole session is closed.
    await client.query(
      `update refresh_sessions set rotated_at = now() - interval '1 minute' where rotated_at is not null`,
    );
    const replay = await refresh(first);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: { message: string } }).error.message).toMatch(
      /used twice/,
    );
    expect((await refresh(cookieOf(a))).status).toBe(401);
  });

  it('refuses a forged or missing token', async () => {
    const saved = token;
    token = 'forged.token.here';
    expect((await call('GET', `/api/v1/workspaces/${ws}/flows`)).status).toBe(401);
    token = '';
    expect((await call('GET', `/api/v1/workspaces/${ws}/flows`)).status).toBe(401);
    token = saved;
  });

  it('refuses an access token past its 15 minutes, saying to sign in again', async () => {
    const { sub, sid } = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as { sub: string; sid: string };
    // A token issued 16 minutes ago by this server, correctly signed.
    vi.useFakeTimers({ now: Date.now() - 16 * 60_000, toFake: ['Date'] });
    const old = await issueAccessToken(keyring, sub, sid);
    vi.useRealTimers();
    const r = await app.request(`/api/v1/workspaces/${ws}/flows`, {
      headers: { authorization: `Bearer ${old}` },
    });
    expect(r.status).toBe(401);
    expect(((await r.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining('sign in again'),
    });
    expect((await call('GET', `/api/v1/workspaces/${ws}/flows`)).status).toBe(200);
  });
});
