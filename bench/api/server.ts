// The API as `npm start` runs it (Hono on @hono/node-server), on the Postgres of DATABASE_URL,
// without the embedded runtime: what the API alone can serve; beside it, on BASELINE_PORT, the
// bare baseline route (baseline.ts). Started by bench/api/run.ts.
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { createDb, createKeyring } from '@waflow/db';
import { createApp } from '../../apps/api/src/app.ts';
import { serveBaseline } from './baseline.ts';

const client = await createDb({ url: process.env.DATABASE_URL ?? '' });
const keyring = createKeyring(
  { bench: Buffer.from(process.env.BENCH_KEY ?? randomBytes(32).toString('hex'), 'hex') },
  'bench',
);
const app = createApp({ client, keyring, log: pino({ level: 'silent' }) });
await serveBaseline(process.env.DATABASE_URL ?? '', Number(process.env.BASELINE_PORT));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () =>
  process.send?.('ready'),
);
process.once('SIGTERM', () => process.exit(0));
