// A failed query reaches the error handler as the driver's error: its log line names the
// Postgres code and the statement, never the values the statement carried.
import { PassThrough } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, migrate, schema, type DbClient } from '@waflow/db';
import { createTestDatabase } from '@waflow/testkit';
import type { AppEnv } from '../context.ts';
import { errorHandler } from './error-handler.ts';
import { requestId } from './request-id.ts';

describe('the error handler', () => {
  let client: DbClient;
  beforeAll(async () => {
    client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
    await migrate(client);
  });
  afterAll(async () => {
    await client.close();
  });

  it('logs a failed query with its code and statement, without its parameters or message', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const app = new Hono<AppEnv>();
    app.use('*', requestId(pino({ level: 'info' }, out)));
    app.onError(errorHandler());
    // The workspace id is no uuid: Postgres refuses it quoting the value (22P02).
    app.post('/boom', async () => {
      await client.db.insert(schema.contacts).values({
        workspaceId: 'whsec_TOPSECRET',
        numberId: randomUUID(),
        waId: '+4915112345678',
        name: 'Ada Lovelace',
      });
      throw new Error('unreachable');
    });
    const res = await app.request('/boom', { method: 'POST' });
    expect(res.status).toBe(500);
    expect(text).toContain('unexpected error');
    expect(text).toContain('22P02');
    expect(text).toMatch(/insert into contacts/);
    for (const secret of ['TOPSECRET', '4915112345678', 'Ada Lovelace', 'invalid input syntax'])
      expect(text).not.toContain(secret);
  });
});
