// The refresh cookie is Secure and HSTS is sent exactly when the browser is on https: the request
// itself, or WAFLOW_PUBLIC_URL (a TLS-terminating proxy in front); never on plain http.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, createKeyring, migrate, type DbClient } from '@waflow/db';
import { createTestDatabase } from '@waflow/testkit';
import { createApp } from '../app.ts';
import type { Deps } from '../context.ts';

describe('https-only headers', () => {
  let client: DbClient;
  const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');
  const log = pino({ level: 'silent' });
  const login = (deps: Partial<Deps>, origin: string) =>
    createApp({ client, keyring, log, ...deps }).request(`${origin}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'o@acme.test', password: 'correct horse battery' }),
    });

  beforeAll(async () => {
    client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
    await migrate(client);
    const setup = await createApp({ client, keyring, log }).request('/api/v1/setup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'o@acme.test',
        password: 'correct horse battery',
        name: 'O',
        workspaceName: 'Acme',
      }),
    });
    expect(setup.status).toBe(201);
  });
  afterAll(async () => {
    await client.close();
  });

  it('leaves the cookie without Secure and sends no HSTS over plain http', async () => {
    const res = await login({}, 'http://127.0.0.1:3000');
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/waflow_refresh=/);
    expect(res.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('makes the cookie Secure and sends HSTS when the request came over https', async () => {
    const res = await login({}, 'https://waflow.example');
    expect(res.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it('makes the cookie Secure and sends HSTS when WAFLOW_PUBLIC_URL is https, behind a proxy speaking http', async () => {
    const res = await login({ publicUrl: 'https://waflow.example' }, 'http://127.0.0.1:3000');
    expect(res.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    const health = await createApp({
      client,
      keyring,
      log,
      publicUrl: 'https://waflow.example',
    }).request('http://127.0.0.1:3000/health');
    expect(health.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it('does not trust a client-sent X-Forwarded-Proto', async () => {
    const res = await createApp({ client, keyring, log }).request('http://127.0.0.1:3000/health', {
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });
});
