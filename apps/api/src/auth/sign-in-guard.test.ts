// The guard on real Postgres: an unknown email, a disabled account and a wrong password all cost
// one argon2 check, so the time a refusal takes does not tell which emails have an account.
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createDb, createKeyring, createUser, migrate, type DbClient } from '@waflow/db';
import { createTestDatabase } from '@waflow/testkit';
import { createApp } from '../app.ts';
import { passwords } from './passwords.ts';

describe('the sign-in guard', () => {
  let client: DbClient;
  let app: ReturnType<typeof createApp>;
  const login = (email: string, password: string) =>
    app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });

  beforeAll(async () => {
    client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
    await migrate(client);
    app = createApp({
      client,
      keyring: createKeyring({ k1: randomBytes(32) }, 'k1'),
      log: pino({ level: 'silent' }),
    });
    await createUser(client.db, {
      email: 'kim@acme.test',
      name: 'Kim',
      passwordHash: await passwords.hash('kim password 123'),
    });
    const off = await createUser(client.db, {
      email: 'off@acme.test',
      name: 'Off',
      passwordHash: await passwords.hash('off password 123'),
    });
    await client.query('update users set disabled = true where id = $1', [off.id]);
  });
  afterAll(async () => {
    await client.close();
  });

  it('checks one password hash whether the email has an account, is disabled or does not exist', async () => {
    const verify = vi.spyOn(passwords, 'verify');
    try {
      const cases: [string, string, number][] = [
        ['kim@acme.test', 'kim password 123', 200],
        ['kim@acme.test', 'wrong password', 401],
        ['off@acme.test', 'off password 123', 401],
        ['nobody@acme.test', 'wrong password', 401],
      ];
      for (const [email, password, status] of cases) {
        verify.mockClear();
        expect((await login(email, password)).status, email).toBe(status);
        expect(verify, email).toHaveBeenCalledTimes(1);
        expect(await verify.mock.results[0]?.value, email).toBe(
          status === 200 || email === 'off@acme.test',
        );
      }
      // The unknown email was checked against a real argon2id hash, not skipped.
      expect(verify.mock.calls[0]?.[0]).toMatch(/^\$argon2id\$/);
    } finally {
      verify.mockRestore();
    }
  });
});
