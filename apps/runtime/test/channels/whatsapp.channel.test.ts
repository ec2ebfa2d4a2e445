// The WhatsApp Web channel (whatsapp-web.js in Chromium) against the Channel contract, on the
// WhatsApp Web double: linked by the double's phone, media fetched through the egress guard from
// a local server (loopback allowed, as an operator would allow it).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { inject } from 'vitest';
import type { InboundMessage } from '@waflow/channel';
import { schema } from '@waflow/db';
import { createEgressClient } from '@waflow/egress';
import { echoFlow } from '@waflow/testkit';
import { freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';
import { channelOnDouble } from '../whatsapp/harness.ts';
import { runChannelContract, type NetworkMessage } from './channel.case.test.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

runChannelContract('WhatsApp Web', async () => {
  const client = await freshDatabase(inject('pgUrl'));
  const { numberId } = await seedNumberWithFlow(client, echoFlow);
  await client.db
    .update(schema.numbers)
    .set({ channel: 'whatsapp' })
    .where(eq(schema.numbers.id, numberId));
  const images = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'image/png' }).end(PNG),
  );
  await new Promise<void>((r) => images.listen(0, '127.0.0.1', r));
  const egress = createEgressClient({ allowHosts: [], allowCidrs: ['127.0.0.0/8'] });
  const wa = await channelOnDouble({ db: client, numberId, egress });
  return {
    channel: wa.channel,
    ready: async () => {
      await waitFor(() => (wa.statuses.includes('qr') ? true : undefined), 30_000, 'the QR');
      await wa.double.pair({ me: '15550001111@c.us' });
      await waitFor(() => (wa.statuses.includes('ready') ? true : undefined), 30_000, 'ready');
    },
    received: async () =>
      (await wa.double.sent()).map((m): NetworkMessage => {
        if (m.type === 'chat') return { to: m.to, kind: 'text', text: m.body ?? '' };
        if (m.type === 'image') return { to: m.to, kind: 'image', text: m.caption ?? '' };
        if (m.type === 'location') return { to: m.to, kind: 'location', text: m.body ?? '' };
        return { to: m.to, kind: 'other', text: m.body ?? '' };
      }),
    contactWrites: (from, text) =>
      new Promise<InboundMessage>((resolve, reject) => {
        const off = wa.channel.on('inbound', (m) => {
          off();
          resolve(m);
        });
        wa.double.deliverInbound({ from, body: text }).catch(reject);
      }),
    imageUrl: `http://127.0.0.1:${(images.address() as AddressInfo).port}/map.png`,
    close: async () => {
      await wa.channel.stop().catch(() => undefined);
      await egress.close();
      await new Promise<void>((r) => images.close(() => r()));
      await client.close();
      await rm(wa.dataDir, { recursive: true, force: true });
    },
  };
});
