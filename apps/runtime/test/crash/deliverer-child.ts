// A webhook deliverer in its own process for the crash test: puts back what a dead predecessor
// left half-delivered, then delivers until killed.
import pino from 'pino';
import { createDb, createKeyring } from '@waflow/db';
import { createEgressClient } from '@waflow/egress';
import { WebhookDeliverer } from '../../src/integrations/webhooks/deliverer.ts';

const client = await createDb({ url: process.env.DATABASE_URL ?? '' });
const keyring = createKeyring({ k1: Buffer.from(process.env.KEY_HEX ?? '', 'hex') }, 'k1');
const deliverer = new WebhookDeliverer({
  db: client.db,
  keyring,
  egress: createEgressClient({ allowHosts: [], allowCidrs: ['127.0.0.0/8'] }),
  log: pino({ level: 'silent' }),
  now: Date.now,
});
await deliverer.recover();
process.send?.({ ready: true });
deliverer.start(50);
