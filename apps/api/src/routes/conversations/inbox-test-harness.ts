// Test harness for the inbox's tests: the API with the embedded runtime on a fresh real Postgres,
// an owner signed in, `flow` published on a sandbox number, and calls made as that owner.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createInProcessCoordinator } from '@waflow/coord';
import { createDb, createKeyring, migrate, type DbClient } from '@waflow/db';
import { Runtime, type SandboxChannel } from '@waflow/runtime';
import { createTestDatabase } from '@waflow/testkit';
import { createApp } from '../../app.ts';

export type Json = Record<string, unknown>;

export interface Inbox {
  client: DbClient;
  runtime: Runtime;
  sandbox: SandboxChannel;
  numberId: string;
  /** A request to `/api/v1/workspaces/<ws><path>` as the owner. */
  call(method: string, path: string, body?: unknown): Promise<Response>;
  json(method: string, path: string, body?: unknown): Promise<Json>;
  close(): Promise<void>;
}

export async function startInbox(
  pgUrl: string,
  flow: unknown,
  runtimeOptions: { humanReplyPauseMs?: number; now?: () => number } = {},
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
  const app = createApp({
    client,
    keyring: createKeyring({ k1: randomBytes(32) }, 'k1'),
    log: pino({ level: 'silent' }),
    runtime,
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
  const call = async (method: string, path: string, body?: unknown) =>
    app.request(`/api/v1/workspaces/${ws}${path}`, {
      method,
      headers: { authorization: `Bearer ${setup.accessToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const json = async (method: string, path: string, body?: unknown) =>
    (await (await call(method, path, body)).json()) as Json;
  const created = await json('POST', '/flows', { name: 'Flow', config: flow });
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
    runtime,
    sandbox,
    numberId,
    call,
    json,
    async close() {
      await runtime.stop();
      await client.close();
    },
  };
}
