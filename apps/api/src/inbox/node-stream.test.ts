// The inbox stream as `npm start` serves it, over a real socket (@hono/node-server): a client
// that stops reading is dropped once its unsent bytes pass the limit, and the process keeps
// nothing of it; a reading client on the same workspace gets every event.
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import pino from 'pino';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { echoFlow, until } from '@waflow/testkit';
import { startInbox, type Inbox } from '../routes/conversations/inbox-test-harness.ts';
import { EventHub } from './event-hub.ts';

describe('the inbox stream on a real socket', () => {
  let inbox: Inbox;
  let server: ServerType;
  let port = 0;
  const hub = new EventHub(
    {
      get client() {
        return inbox.client;
      },
      log: pino({ level: 'silent' }),
    },
    { maxBufferedBytes: 64 * 1024 },
  );

  beforeAll(async () => {
    inbox = await startInbox(inject('pgUrl'), echoFlow, {}, { hub });
    server = await new Promise((resolve) => {
      const s = serve({ fetch: inbox.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    hub.stop();
    await new Promise<void>((r) => server.close(() => r()));
    await inbox.close();
  });

  it('drops a client that stops reading, and keeps serving one that reads', async () => {
    const open = (read: boolean) => {
      const socket = connect(port, '127.0.0.1');
      let got = '';
      socket.write(
        `GET /api/v1/workspaces/${inbox.ws}/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${inbox.token}\r\n\r\n`,
      );
      socket.on('data', (d: Buffer) => {
        got += d.toString();
        if (!read) socket.pause();
      });
      socket.on('error', () => {});
      return { socket, text: () => got };
    };
    const slow = open(false);
    const reader = open(true);
    await until(() => (hub.streams() === 2 ? true : undefined), 'both streams open');
    await until(() => (reader.text().includes('event: ready') ? true : undefined), 'ready');

    // A burst far past what the slow client's socket buffers hold: 20,000 transcript lines.
    inbox.sandbox.deliver({ from: '34600000401@c.us', text: 'hi' });
    const conv = await until(async () => {
      const [c] = (await inbox.json('GET', '/conversations')).items as { id: string }[];
      return c?.id;
    }, 'the conversation');
    await inbox.client.query(
      `insert into messages (workspace_id, number_id, conversation_id, direction, type, body, status, author)
       select c.workspace_id, c.number_id, c.id, 'out', 'note', repeat('x', 400) || g, 'sent', 'note'
       from conversations c, generate_series(1, 20000) g where c.id = $1`,
      [conv],
    );
    await until(() => (hub.streams() === 1 ? true : undefined), 'the slow client dropped');
    await until(
      () => (reader.text().includes('x20000"') ? true : undefined),
      'the reading client got the last line',
    );
    slow.socket.destroy();
    reader.socket.destroy();
    await until(() => (hub.streams() === 0 ? true : undefined), 'nothing kept');
  });
});
