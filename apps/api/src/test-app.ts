// For route tests: the app alone (no runtime) on a fresh real Postgres, a JSON caller with an
// optional bearer token, and the first owner set up through the API as a person would.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { inject } from 'vitest';
import { createDb, createKeyring, migrate, type DbClient } from '@waflow/db';
import { createTestDatabase } from '@waflow/testkit';
import { createApp } from './app.ts';
import type { Deps } from './context.ts';

export type Json = Record<string, unknown>;

export interface TestApp {
  app: ReturnType<typeof createApp>;
  client: DbClient;
  /** `body` as a value is sent as JSON; as a string it is sent as it is (to send broken JSON). */
  call(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }>;
  /** First run: Olga (olga@acme.test, "correct horse battery") owns the workspace Acme. */
  setUpOwner(): Promise<{ token: string; ws: string }>;
  close(): Promise<void>;
}

export async function startTestApp(deps: Partial<Deps> = {}): Promise<TestApp> {
  const client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
  await migrate(client);
  const app = createApp({
    client,
    keyring: createKeyring({ k1: randomBytes(32) }, 'k1'),
    log: pino({ level: 'silent' }),
    ...deps,
  });
  const call: TestApp['call'] = async (method, path, token, body) => {
    const res = await app.request(path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  };
  return {
    app,
    client,
    call,
    async setUpOwner() {
      const setup = await call('POST', '/api/v1/setup', undefined, {
        email: 'olga@acme.test',
        password: 'correct horse battery',
        name: 'Olga',
        workspaceName: 'Acme',
      });
      if (setup.status !== 201) throw new Error(`setup answered ${setup.status}`);
      const ws = (setup.body.workspaces as { id: string }[])[0]?.id ?? '';
      return { token: setup.body.accessToken as string, ws };
    },
    close: () => client.close(),
  };
}
