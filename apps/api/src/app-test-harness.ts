// For the API's own tests (app.test.ts, app-flows.test.ts): the app with the embedded runtime on
// a fresh real Postgres, and a caller that sends the current access token.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { inject } from 'vitest';
import { createInProcessCoordinator } from '@waflow/coord';
import { createDb, createKeyring, migrate } from '@waflow/db';
import { Runtime } from '@waflow/runtime';
import { createTestDatabase } from '@waflow/testkit';
import { createApp } from './app.ts';

export type App = ReturnType<typeof createApp>;

export async function startApiWithRuntime() {
  const log = pino({ level: 'silent' });
  const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');
  const client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
  await migrate(client);
  const runtime = new Runtime({
    client,
    coord: createInProcessCoordinator(),
    log,
    outbox: { pacing: { ratePerSec: 1000, burst: 1000 } },
  });
  await runtime.start();
  const app = createApp({ client, keyring, log, runtime });
  return { client, runtime, app, keyring };
}

/** A request with `token()` as the bearer (none when empty); a string body is sent as it is. */
export function caller(app: () => App, token: () => string) {
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    app().request(path, {
      method,
      headers: {
        ...(token() ? { authorization: `Bearer ${token()}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
}
