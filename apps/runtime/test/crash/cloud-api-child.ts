// A runtime in its own process serving Cloud API numbers (as the API's main.ts does), for the
// crash test: takes inbound messages over IPC, hands them to ProviderNumbers (persisted before
// it acknowledges), and sends its replies to the Graph API double at GRAPH_URL.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createInProcessCoordinator } from '@waflow/coord';
import { createDb, createKeyring } from '@waflow/db';
import { Runtime } from '../../src/runtime.ts';
import { startProviders } from '../../src/channels/provider/start-providers.ts';

interface Incoming {
  messageId: string;
  from: string;
  text: string;
}

const numberId = process.env.NUMBER_ID ?? '';
const client = await createDb({ url: process.env.DATABASE_URL ?? '' });
const keyring = createKeyring({ k1: Buffer.from(process.env.KEYRING_KEY ?? '', 'hex') }, 'k1');
const runtime = new Runtime({
  client,
  coord: createInProcessCoordinator(),
  log: pino({ level: 'silent' }),
  recoverMs: 200,
});
await runtime.start();
const providers = await startProviders({
  client,
  keyring,
  runtime,
  dataDir: mkdtempSync(join(tmpdir(), 'waflow-crash-media-')),
  graph: { baseUrl: process.env.GRAPH_URL ?? '', version: 'v21.0' },
  twilio: { baseUrl: 'http://127.0.0.1:9' },
  twilioStatusUrl: () => undefined,
});
process.on('message', (m: Incoming) => {
  void providers.cloudApi
    .deliver(numberId, {
      messages: [
        { messageId: m.messageId, from: m.from, type: 'text', text: m.text, timestamp: Date.now() },
      ],
      statuses: [],
    })
    .then(() => process.send?.({ ack: m.messageId }));
});
process.send?.({ ready: true });
