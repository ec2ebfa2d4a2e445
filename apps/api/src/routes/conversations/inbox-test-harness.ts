// Test harness for the inbox's tests: the API with the embedded runtime on a fresh real Postgres,
// an owner signed in, `flow` published on a sandbox number, and calls made as that owner.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createInProcessCoordinator } from '@waflow/coord';
import { addMember, createDb, createKeyring, createUser, migrate, type DbClient } from '@waflow/db';
import { Runtime, type SandboxChannel } from '@waflow/runtime';
import { createTestDatabase } from '@waflow/testkit';
import { createApp } from '../../app.ts';
import { issueAccessToken, issueRefreshToken } from '../../auth/tokens.ts';
import type { Role } from '../../context.ts';

export type Json = Record<string, unknown>;

export interface Inbox {
  client: DbClient;
  /** The API (for a test that serves it over a real socket). */
  app: ReturnType<typeof createApp>;
  ws: string;
  runtime: Runtime;
  sandbox: SandboxChannel;
  numberId: string;
  /** A request to `/api/v1/workspaces/<ws><path>` as the owner. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  json(method: string, path: string, body?: unknown): Promise<Json>;
  /** The owner's access token. */
  token: string;
  /** Another member of the workspace, with calls made as them. */
  member(
    name: string,
    role: Role,
  ): Promise<{
    id: string;
    call: (method: string, path: string, body?: unknown) => Promise<Response>;
  }>;
  close(): Promise<void>;
}

export async function startInbox(
  pgUrl: string,
  flow: unknown,
  runtimeOptions: { humanReplyPauseMs?: number; now?: () => number; recoverMs?: number } = {},
  appOptions: Pick<Parameters<typeof createApp>[0], 'hub' | 'dataDir'> = {},
): Promise<Inbox> {
  const client = await createDb({ url: (await createTestDatabase(pgUrl)).url });
  await migrate(client);
  const runtime = new Runtime({
    client,
    coord: createInProcessCoordinator(),
    log: pino({ level: 'silent' }),
    outbox: { pacing: { ratePerSec: 1000, burst: 1000 } },
    ...runtimeOptions,
  });
  await runtime.start();
  const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');
  const app = createApp({
    client,
    keyring,
    log: pino({ level: 'silent' }),
    runtime,
    ...appOptions,
  });
  const owner = { email: 'o@acme.test', password: 'correct horse battery', name: 'O' };
  const setup = (await (
    await app.request('/api/v1/setup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...owner, workspaceName: 'Acme' }),
    })
  ).json()) as { accessToken: string; workspaces: { id: string }[] };
  const ws = setup.workspaces[0]?.id ?? '';
  const token = setup.accessToken;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.request(`/api/v1/workspaces/${ws}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const json = async (method: string, path: string, body?: unknown) =>
    (await (await call(method, path, body)).json()) as Json;
  // The flow's own name when it carries one (results and their CSV show it).
  const name =
    typeof flow === 'object' && flow !== null && 'name' in flow && typeof flow.name === 'string'
      ? flow.name
      : 'Flow';
  const created = await json('POST', '/flows', { name, config: flow });
  const published = await call('POST', `/flows/${String(created.id)}/publish`, {});
  if (published.status !== 201) throw new Error(`publish answered ${published.status}`);
  const number = await json('POST', '/numbers', {
    label: 'Line',
    flowId: created.id,
    channel: 'sandbox',
  });
  const numberId = String(number.id);
  const sandbox = await runtime.attachSandbox(numberId);
  return {
    client,
    app,
    ws,
    runtime,
    sandbox,
    numberId,
    call,
    json,
    token,
    async member(name, role) {
      const user = await createUser(client.db, {
        email: `${name.toLowerCase()}@acme.test`,
        name,
        passwordHash: 'x',
      });
      await addMember(client.db, ws, user.id, role);
      const token = await issueAccessToken(
        keyring,
        user.id,
        (await issueRefreshToken(client.db, user.id)).family,
      );
      return {
        id: user.id,
        call: async (method, path, body) =>
          app.request(`/api/v1/workspaces/${ws}${path}`, {
            method,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          }),
      };
    },
    async close() {
      await runtime.stop();
      await client.close();
    },
  };
}
