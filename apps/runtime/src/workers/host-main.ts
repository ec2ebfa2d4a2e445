// A runtime-only host (the Docker runtime image, or any host added to serve numbers): applies no
// migrations and serves no HTTP; it supervises one pm2 worker per WhatsApp number. Needs
// DATABASE_URL (the API's Postgres) and the same WAFLOW_SECRET_KEY as the API.
import { createDb, readHostLease } from '@waflow/db';
import { superviseNumbers } from './supervise.ts';
import { createLogger } from '../observability/logger.ts';

const log = createLogger({ name: 'waflow-runtime-host' });
const databaseUrl = process.env.DATABASE_URL ?? '';
if (!databaseUrl.startsWith('postgres')) {
  log.fatal('DATABASE_URL must be the postgres:// URL of the database the API uses');
  process.exit(1);
}
const problems: string[] = [];
const lease = readHostLease(process.env, problems);
if (problems.length > 0) {
  log.fatal(`Configuration problems: ${problems.join('; ')}`);
  process.exit(1);
}
const client = await createDb({ url: databaseUrl });
const stop = await superviseNumbers(client, {
  databaseUrl,
  dataDir: process.env.WAFLOW_DATA_DIR ?? './data',
  secretKey: process.env.WAFLOW_SECRET_KEY,
  redisUrl: process.env.REDIS_URL,
  logLevel: process.env.LOG_LEVEL,
  log,
  // Every runtime host takes leases, so hosts share the numbers and take over a dead one's.
  lease,
});
log.info('runtime host supervising WhatsApp number workers');
const shutdown = async () => {
  await stop();
  await client.close();
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());
