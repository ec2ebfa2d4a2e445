// Every declared route × every role: a role below the route's permission gets 403, a role at or
// above it never does; outsiders get 404, anonymous callers 401. Fails when a route reaches the
// app without a declaration (and so without a permission), when a permission is unused, or when
// a new public route appears without being listed here on purpose.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
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
import { createApp } from '../app.ts';
import { defaultLimits } from '../limits.ts';
import { allows, permissions, type Permission } from '../auth/permissions.ts';
import { issueAccessToken, issueRefreshToken } from '../auth/tokens.ts';
import type { Deps, Role } from '../context.ts';
import { registry } from './route.ts';

const PUBLIC_ROUTES = [
  'get /api/v1/setup',
  'post /api/v1/setup',
  'post /api/v1/auth/login',
  'post /api/v1/auth/refresh',
  'post /api/v1/auth/logout',
  'get /api/v1/invites/:token',
  'post /api/v1/invites/:token/accept',
  // Meta calls these; the POST is verified by X-Hub-Signature-256 (cloud-api-webhook.ts).
  'get /api/v1/channels/cloud-api/:numberId/webhook',
  'post /api/v1/channels/cloud-api/:numberId/webhook',
  // Twilio calls these, verified by X-Twilio-Signature (twilio-webhook.ts).
  'post /api/v1/channels/twilio/:numberId/webhook',
  'post /api/v1/channels/twilio/:numberId/status',
].sort();

/** Routes on the app that are not API operations (operations endpoints, the docs themselves). */
const UNDECLARED_OK = new Set([
  'GET /health',
  'GET /ready',
  'GET /metrics',
  'GET /api/openapi.json',
  'GET /api/docs',
]);

const ROLES: Role[] = ['viewer', 'editor', 'admin', 'owner'];
const NIL = '00000000-0000-4000-8000-000000000000';

describe('access to every route', () => {
  let client: DbClient;
  const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');
  // Built now so the registry is filled when the tests below are collected; the database
  // client is handed in before the first request.
  // Every apiKey route is called anonymously once: more than the per-address budget for bad keys.
  const limits = { ...defaultLimits, badKeyPerMin: 1000 };
  const deps = { keyring, log: pino({ level: 'silent' }), limits } as Deps;
  const app = createApp(deps);
  let ws = '';
  const tokens = {} as Record<Role | 'outsider', string>;

  beforeAll(async () => {
    client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
    await migrate(client);
    deps.client = client;
    ws = (await createWorkspace(client.db, 'Matrix')).id;
    for (const role of [...ROLES, 'outsider'] as const) {
      const user = await createUser(client.db, {
        email: `${role}@matrix.test`,
        name: role,
        passwordHash: 'x',
      });
      if (role !== 'outsider') await addMember(client.db, ws, user.id, role);
      tokens[role] = await issueAccessToken(
        keyring,
        user.id,
        (await issueRefreshToken(client.db, user.id)).family,
      );
    }
  });
  afterAll(async () => {
    await client.close();
  });

  const call = (method: string, path: string, token?: string) =>
    app.request(path.replace(':ws', ws).replace(/:[A-Za-z]+/g, NIL), {
      method: method.toUpperCase(),
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        'content-type': 'application/json',
      },
      ...(method === 'get' || method === 'delete' ? {} : { body: '{}' }),
    });

  it('declares every route the app serves, and uses every permission of the table', () => {
    const declared = new Set(registry.map((r) => `${r.method.toUpperCase()} ${r.path}`));
    const served = app.routes.filter(
      (r) =>
        r.method !== 'ALL' &&
        (r.path.startsWith('/api/') ||
          r.path === '/health' ||
          r.path === '/ready' ||
          r.path === '/metrics'),
    );
    const missing = served
      .map((r) => `${r.method} ${r.path}`)
      .filter((k) => !declared.has(k) && !UNDECLARED_OK.has(k));
    expect(missing, 'routes registered without routing/route.ts (no permission entry)').toEqual([]);
    const used = new Set(registry.map((r) => r.access));
    expect(
      Object.keys(permissions).filter((p) => !used.has(p as Permission)),
      'permissions no route uses',
    ).toEqual([]);
    expect(
      registry
        .filter((r) => r.access === 'public')
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual(PUBLIC_ROUTES);
  });

  const workspaceRoutes = registry.filter(
    (r): r is typeof r & { access: Permission } => r.access in permissions,
  );

  it('has workspace routes to check', () => {
    expect(workspaceRoutes.length).toBeGreaterThan(30);
  });

  for (const r of workspaceRoutes) {
    it(`${r.method.toUpperCase()} ${r.path} (${r.access}: ${permissions[r.access]}+)`, async () => {
      for (const role of ROLES) {
        const res = await call(r.method, r.path, tokens[role]);
        if (allows(role, r.access)) expect(res.status, `${role} must be let through`).not.toBe(403);
        else expect(res.status, `${role} must be refused`).toBe(403);
        if (res.body) await res.body.cancel();
      }
      expect((await call(r.method, r.path, tokens.outsider)).status, 'a non-member').toBe(404);
      expect((await call(r.method, r.path)).status, 'anonymous').toBe(401);
    });
  }

  for (const r of registry.filter((x) => x.access === 'user' || x.access === 'apiKey')) {
    it(`${r.method.toUpperCase()} ${r.path} (${r.access}) refuses anonymous callers`, async () => {
      expect((await call(r.method, r.path)).status).toBe(401);
    });
  }
});
