// Numbers on real Postgres: the live stream (SSE) follows what a WhatsApp worker reports on the
// row (status, QR), relinking forgets the session, removing ends the stream; bad input is refused.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import {
  createDb,
  createKeyring,
  migrate,
  reportNumberStatus,
  saveSessionArchive,
  schema,
  type DbClient,
} from '@waflow/db';
import { createTestDatabase } from '@waflow/testkit';
import { createApp } from '../../app.ts';

describe('numbers', () => {
  let client: DbClient;
  let app: ReturnType<typeof createApp>;
  let token = '';
  let ws = '';
  const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');

  const call = (method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
    await migrate(client);
    app = createApp({ client, keyring, log: pino({ level: 'silent' }) });
    const setup = (await (
      await app.request('/api/v1/setup', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: 'o@acme.test',
          password: 'correct horse battery',
          name: 'O',
          workspaceName: 'Acme',
        }),
      })
    ).json()) as { accessToken: string; workspaces: { id: string }[] };
    token = setup.accessToken;
    ws = setup.workspaces[0]?.id ?? '';
  });
  afterAll(async () => {
    await client.close();
  });

  it('streams status and QR as the worker reports them, then relinks and ends on removal', async () => {
    expect((await call('POST', `/api/v1/workspaces/${ws}/numbers`, { label: '' })).status).toBe(
      400,
    );
    expect(
      (
        await call('POST', `/api/v1/workspaces/${ws}/numbers`, {
          label: 'Sales',
          flowId: '00000000-0000-4000-8000-000000000000',
        })
      ).status,
    ).toBe(404);
    const created = await call('POST', `/api/v1/workspaces/${ws}/numbers`, { label: 'Sales' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const res = await call('GET', `/api/v1/workspaces/${ws}/numbers/${id}/events`);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>)
      .pipeThrough(new TextDecoderStream())
      .getReader();
    let buffer = '';
    const next = async (event: string): Promise<Record<string, unknown>> => {
      for (;;) {
        const m = new RegExp(`event: ${event}\\ndata: (.*)\\n`).exec(buffer);
        if (m) {
          buffer = buffer.slice((m.index ?? 0) + m[0].length);
          return JSON.parse(m[1] ?? '{}') as Record<string, unknown>;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before a ${event} event`);
        buffer += value;
      }
    };
    expect(await next('status')).toMatchObject({ id, status: 'new', label: 'Sales' });

    await reportNumberStatus(client, id, { status: 'qr', qr: '2@first-code' });
    expect(await next('status')).toMatchObject({ status: 'qr' });
    expect(await next('qr')).toMatchObject({ qr: '2@first-code' });
    await reportNumberStatus(client, id, { qr: '2@rotated-code' });
    expect(await next('qr')).toMatchObject({ qr: '2@rotated-code' });
    await reportNumberStatus(client, id, { status: 'ready', qr: null, phone: '34600123456' });
    expect(await next('status')).toMatchObject({ status: 'ready', phone: '34600123456' });
    // The QR never leaks into the plain read.
    expect(
      JSON.stringify(await (await call('GET', `/api/v1/workspaces/${ws}/numbers/${id}`)).json()),
    ).not.toContain('code');

    await saveSessionArchive(client.db, keyring, id, Buffer.from('session'));
    expect((await call('POST', `/api/v1/workspaces/${ws}/numbers/${id}/relink`)).status).toBe(202);
    expect(await next('status')).toMatchObject({ status: 'new' });
    expect(await client.db.select().from(schema.sessionStore)).toHaveLength(0);

    expect((await call('DELETE', `/api/v1/workspaces/${ws}/numbers/${id}`)).status).toBe(204);
    await reportNumberStatus(client, id, { status: 'disconnected' });
    expect(await next('status')).toMatchObject({ status: 'removed' });
    expect((await call('GET', `/api/v1/workspaces/${ws}/numbers/${id}`)).status).toBe(404);
    await reader.cancel();
  });
});
