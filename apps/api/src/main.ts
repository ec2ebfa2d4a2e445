// `npm start`: the API, the runtime (embedded, sandbox channel) and the built web app on one port,
// on the embedded defaults (PGlite in ./data, in-process locks) unless DATABASE_URL / REDIS_URL say otherwise.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { and, eq, isNull } from 'drizzle-orm';
import { createCoordinator } from '@waflow/coord';
import { createDb, loadKeyring, migrate, schema } from '@waflow/db';
import { createLogger, Runtime, startProviders } from '@waflow/runtime';
import { twilioStatusUrl } from './routes/channels/twilio-webhook.ts';
import { createApp } from './app.ts';
import { EventHub } from './inbox/event-hub.ts';
import { mountWebApp } from './web-app.ts';
import { startNumberWorkers } from './number-workers.ts';
import { readEnv } from './env.ts';
import { holdPort, PortUnavailableError } from './port-check.ts';

const env = readEnv();
// The port first: taken, it is one line and exit 1, before anything is migrated or started.
const held = await holdPort(env.port, env.host).catch((err: unknown) => {
  if (!(err instanceof PortUnavailableError)) throw err;
  console.error(`waflow cannot start: ${err.message}`);
  process.exit(1);
});
const log = createLogger({ name: 'waflow', level: env.logLevel, format: env.logFormat });

const client = await createDb(
  env.databaseUrl ? { url: env.databaseUrl } : { dataDir: join(env.dataDir, 'pglite') },
);
await migrate(client);
const { keyring, generated } = loadKeyring(env.secretKey, env.dataDir);
if (generated)
  log.warn(
    { file: join(env.dataDir, 'secret.key') },
    'WAFLOW_SECRET_KEY is not set: generated a secret key and stored it in the data folder (back it up with the data)',
  );

const coord = createCoordinator(env.redisUrl ? { redisUrl: env.redisUrl } : {});
const { egressPolicy } = env;
const runtime = new Runtime({
  client,
  coord,
  keyring,
  egressPolicy,
  log: log.child({ component: 'runtime' }),
});
await runtime.start();
// Sandbox numbers (and simulator sessions) are served by this process.
const sandboxes = await client.db
  .select({ id: schema.numbers.id })
  .from(schema.numbers)
  .where(and(eq(schema.numbers.channel, 'sandbox'), isNull(schema.numbers.deletedAt)));
for (const n of sandboxes) await runtime.attachSandbox(n.id);

// Cloud API and Twilio numbers need no browser: served here too, their webhooks come to this API.
// Twilio posts each send's statuses where the send asks: only reachable at a public URL.
const { publicUrl } = env;
const providers = await startProviders({
  client,
  keyring,
  runtime,
  dataDir: env.dataDir,
  graph: env.graph,
  twilio: env.twilio,
  twilioStatusUrl: (id) => (publicUrl ? twilioStatusUrl(publicUrl, id) : undefined),
});

// WhatsApp numbers: one pm2 worker each (with DATABASE_URL), see number-workers.ts.
const stopNumberWorkers = await startNumberWorkers(client, env, log);

// The inbox's live events: one hub per process, its streams ended first on shutdown.
const hub = new EventHub({ client, log });
const app = createApp({
  client,
  keyring,
  log,
  runtime,
  hub,
  cloudApi: providers.cloudApi,
  graph: env.graph,
  twilio: providers.twilio,
  twilioConfig: env.twilio,
  coord,
  egressPolicy,
  limits: env.limits,
  dataDir: env.dataDir,
  trustedProxies: env.trustedProxies,
  ...(env.webOrigin ? { webOrigin: env.webOrigin } : {}),
  ...(env.publicUrl ? { publicUrl: env.publicUrl } : {}),
  ...(env.metricsToken ? { metricsToken: env.metricsToken } : {}),
});
const webDist = resolve(env.webDist ?? fileURLToPath(new URL('../../web/dist', import.meta.url)));
if (!mountWebApp(app, webDist)) {
  log.warn({ webDist }, 'the web app is not built yet: the API runs alone');
}

held.serve(getRequestListener(app.fetch, { hostname: env.host }));
const server = held.server;
log.info(
  `waflow is running at http://${held.address === '::' ? 'localhost' : held.address}:${held.port}`,
);
console.log(`\n  waflow is running at http://${env.host}:${held.port}\n`);

async function shutdown(signal: string): Promise<void> {
  log.info({ signal }, 'shutting down');
  server.close();
  hub.stop();
  await stopNumberWorkers();
  await providers.stop();
  await runtime.stop();
  await coord.close();
  await client.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
