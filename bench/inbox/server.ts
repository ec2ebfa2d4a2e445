// The API as `npm start` runs it, on the Postgres of DATABASE_URL, without the embedded runtime
// (the bench runs the pipeline in its own process, as a runtime host would): what one API process
// holding the inbox's event streams costs. Started by bench/inbox/run.ts.
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { createDb, createKeyring } from '@waflow/db';
import { createApp } from '../../apps/api/src/app.ts';

const client = await createDb({ url: process.env.DATABASE_URL ?? '' });
const keyring = createKeyring({ bench: randomBytes(32) }, 'bench');
const app = createApp({ client, keyring, log: pino({ level: 'silent' }) });
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () =>
  process.send?.('ready'),
);
process.once('SIGTERM', () => process.exit(0));
