// Ending sessions on real Postgres: sign-out, a replayed refresh token and disabling end access
// tokens too, at once in the process that ended them and within seconds in another; the refresh
// grace hands back one successor; change password, reset by an admin, sign out everywhere.
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import pino from 'pino';
import {
  addMember,
  createDb,
  createKeyring,
  createUser,
  createWorkspace,
  migrate,
  type DbClient,
} from '@waflow/db';
import { createTestDatabase } from '@waflow/testkit';
import { createApp } from '../../app.ts';

type Json = Record<string, unknown>;
interface Session {
  token: string;
  cookie: string;
}

describe('sessions', () => {
  let url = '';
  let client: DbClient;
  let other: DbClient;
  let app: ReturnType<typeof createApp>;
  /** A second API process: its own app and database client on the same database. */
  let app2: ReturnType<typeof createApp>;
  let ws = '';
  let owner: Session;
  const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');

  const cookieOf = (res: Response) =>
    /waflow_refresh=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
  const call = async (
    method: string,
    path: string,
    opts: {
      token?: string;
      cookie?: string;
      body?: unknown;
      via?: ReturnType<typeof createApp>;
    } = {},
  ) => {
    const res = await (opts.via ?? app).request(path, {
      method,
      headers: {
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(opts.cookie ? { cookie: `waflow_refresh=${opts.cookie}` } : {}),
        ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      cookie: cookieOf(res),
      body: (text ? JSON.parse(text) : {}) as Json,
    };
  };
  const signIn = async (email: string, password: string): Promise<Session> => {
    const r = await call('POST', '/api/v1/auth/login', { body: { email, password } });
    expect(r.status).toBe(200);
    return { token: r.body.accessToken as string, cookie: r.cookie };
  };
  const me = (s: Session | string, via?: ReturnType<typeof createApp>) =>
    call('GET', '/api/v1/me', {
      token: typeof s === 'string' ? s : s.token,
      ...(via ? { via } : {}),
    }).then((r) => r.status);
  const refresh = (cookie: string) => call('POST', '/api/v1/auth/refresh', { cookie });
  const person = async (
    email: string,
    password: string,
    role: 'admin' | 'editor' | 'viewer',
    workspaceId = ws,
  ) => {
    const user = await createUser(client.db, {
      email,
      name: email.split('@')[0] ?? email,
      passwordHash: await hash(password),
    });
    await addMember(client.db, workspaceId, user.id, role);
    return user.id;
  };

  beforeAll(async () => {
    url = (await createTestDatabase(inject('pgUrl'))).url;
    client = await createDb({ url });
    other = await createDb({ url });
    await migrate(client);
    app = createApp({ client, keyring, log: pino({ level: 'silent' }) });
    app2 = createApp({ client: other, keyring, log: pino({ level: 'silent' }) });
    const setup = await call('POST', '/api/v1/setup', {
      body: {
        email: 'olga@acme.test',
        password: 'correct horse battery',
        name: 'Olga',
        workspaceName: 'Acme',
      },
    });
    owner = { token: setup.body.accessToken as string, cookie: setup.cookie };
    ws = (setup.body.workspaces as { id: string }[])[0]?.id ?? '';
  });
  afterAll(async () => {
    await other.close();
    await client.close();
  });
  afterEach(() => vi.useRealTimers());

  it('ends the access token at sign-out, at once here and within seconds in another API process', async () => {
    const here = await signIn('olga@acme.test', 'correct horse battery');
    expect(await me(here)).toBe(200);
    expect((await call('POST', '/api/v1/auth/logout', { cookie: here.cookie })).status).toBe(204);
    expect(await me(here)).toBe(401);
    expect((await refresh(here.cookie)).status).toBe(401);

    const there = await signIn('olga@acme.test', 'correct horse battery');
    expect(await me(there, app2)).toBe(200);
    expect((await call('POST', '/api/v1/auth/logout', { cookie: there.cookie })).status).toBe(204);
    vi.useFakeTimers({ now: Date.now() + 3_000, toFake: ['Date'] });
    expect(await me(there, app2)).toBe(401);
  });

  it('hands back the same successor for a refresh token replayed within the grace, and ends the session when it comes back later', async () => {
    const s = await signIn('olga@acme.test', 'correct horse battery');
    const first = await refresh(s.cookie);
    expect(first.status).toBe(200);
    const [again, concurrent] = await Promise.all([refresh(s.cookie), refresh(s.cookie)]);
    expect([again.status, concurrent.status]).toEqual([200, 200]);
    expect(new Set([first.cookie, again.cookie, concurrent.cookie]).size).toBe(1);

    // A minute later the first cookie is a replay: every access token of the session stops.
    vi.useFakeTimers({ now: Date.now() + 60_000, toFake: ['Date'] });
    const replay = await refresh(s.cookie);
    expect(replay.status).toBe(401);
    expect((replay.body.error as Json).message).toMatch(/used twice/);
    expect(await me(s)).toBe(401);
    expect(await me(first.body.accessToken as string)).toBe(401);
    expect((await refresh(first.cookie)).status).toBe(401);
    expect(await me(owner)).toBe(200);
  });

  it('keeps one row per swap, not one per replay', async () => {
    const s = await signIn('olga@acme.test', 'correct horse battery');
    const { sid } = JSON.parse(
      Buffer.from(s.token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as { sid: string };
    for (let i = 0; i < 4; i++) expect((await refresh(s.cookie)).status).toBe(200);
    const [row] = await client.query<{ n: number }>(
      `select count(*)::int as n from refresh_sessions where family = $1`,
      [sid],
    );
    expect(row?.n).toBe(2);
  });

  it('refuses a disabled user’s access and refresh tokens', async () => {
    const id = await person('dora@acme.test', 'dora password 123', 'editor');
    const s = await signIn('dora@acme.test', 'dora password 123');
    await client.query(`update users set disabled = true where id = $1`, [id]);
    const refused = await refresh(s.cookie);
    expect(refused.status).toBe(401);
    expect((refused.body.error as Json).message).toMatch(/disabled/);
    expect(await me(s)).toBe(401);
  });

  it('changes one’s password with the current one, ending every other session', async () => {
    await person('carl@acme.test', 'carl password 123', 'editor');
    const mine = await signIn('carl@acme.test', 'carl password 123');
    const elsewhere = await signIn('carl@acme.test', 'carl password 123');
    const change = (currentPassword: string, newPassword: string) =>
      call('POST', '/api/v1/auth/password', {
        token: mine.token,
        body: { currentPassword, newPassword },
      });
    const wrong = await change('not my password', 'carl new password 1');
    expect(wrong.status).toBe(403);
    expect((wrong.body.error as Json).code).toBe('WRONG_PASSWORD');
    const weak = await change('carl password 123', 'Qwerty Uiop');
    expect(weak.status).toBe(400);
    expect((weak.body.error as Json).message).toMatch(
      /^newPassword: this is one of the most common passwords/,
    );
    expect((await change('carl password 123', 'carl new password 1')).status).toBe(204);
    expect(await me(mine)).toBe(200);
    expect(await me(elsewhere)).toBe(401);
    expect((await refresh(elsewhere.cookie)).status).toBe(401);
    expect(
      (
        await call('POST', '/api/v1/auth/login', {
          body: { email: 'carl@acme.test', password: 'carl password 123' },
        })
      ).status,
    ).toBe(401);
    await signIn('carl@acme.test', 'carl new password 1');
  });

  it('signs out of every session at once', async () => {
    await person('sam@acme.test', 'sam password 123', 'viewer');
    const a = await signIn('sam@acme.test', 'sam password 123');
    const b = await signIn('sam@acme.test', 'sam password 123');
    expect(await me(b, app2)).toBe(200);
    expect((await call('POST', '/api/v1/auth/logout-all', { token: a.token })).status).toBe(204);
    expect([await me(a), await me(b)]).toEqual([401, 401]);
    expect([(await refresh(a.cookie)).status, (await refresh(b.cookie)).status]).toEqual([
      401, 401,
    ]);
    vi.useFakeTimers({ now: Date.now() + 3_000, toFake: ['Date'] });
    expect(await me(b, app2)).toBe(401);
  });

  it('lets an admin reset a member’s password, within their roles and workspaces, ending the member’s sessions', async () => {
    await person('ada@acme.test', 'ada password 123', 'admin');
    const eli = await person('eli@acme.test', 'eli password 123', 'editor');
    const admin = await signIn('ada@acme.test', 'ada password 123');
    const member = await signIn('eli@acme.test', 'eli password 123');
    const reset = (by: Session, userId: string, password: string) =>
      call('POST', `/api/v1/workspaces/${ws}/members/${userId}/password`, {
        token: by.token,
        body: { password },
      });

    expect((await reset(admin, eli, 'password1234')).status).toBe(400);
    expect((await reset(admin, eli, 'eli fresh password 9')).status).toBe(204);
    expect(await me(member)).toBe(401);
    expect((await refresh(member.cookie)).status).toBe(401);
    await signIn('eli@acme.test', 'eli fresh password 9');

    const olga = (
      (await call('GET', '/api/v1/me', { token: owner.token })).body.user as { id: string }
    ).id;
    expect((await reset(admin, olga, 'olga fresh password 9')).status).toBe(403);
    const ada = (
      (await call('GET', '/api/v1/me', { token: admin.token })).body.user as { id: string }
    ).id;
    expect(((await reset(admin, ada, 'ada fresh password 9')).body.error as Json).code).toBe(
      'OWN_PASSWORD',
    );
    expect(
      (await reset(admin, '00000000-0000-4000-8000-000000000000', 'ada fresh password 9')).status,
    ).toBe(404);

    // Eli also works in a workspace Ada has no say in: resetting there is not hers to do.
    const elsewhere = await createWorkspace(client.db, 'Elsewhere');
    await addMember(client.db, elsewhere.id, eli, 'owner');
    const refused = await reset(admin, eli, 'eli other password 9');
    expect(refused.status).toBe(403);
    expect((refused.body.error as Json).code).toBe('MEMBER_ELSEWHERE');
    await signIn('eli@acme.test', 'eli fresh password 9');

    const log = (
      await call('GET', `/api/v1/workspaces/${ws}/audit?limit=100`, { token: owner.token })
    ).body.items as { action: string; entityId: string }[];
    expect(log.filter((e) => e.action === 'member.password.reset').map((e) => e.entityId)).toEqual([
      eli,
    ]);
    expect(JSON.stringify(log)).not.toMatch(/fresh password/);
  });
});
