// WhatsApp numbers in `npm start`: with a real Postgres (DATABASE_URL) this process supervises one
// pm2 worker per WhatsApp number (started when a number is added, stopped when it is removed,
// checked every 30 s); with the embedded database it cannot (workers are separate processes that
// share the database), so WhatsApp numbers carry a last_error saying what to set instead.
import { resolve } from 'node:path';
import { and, eq, isNull } from 'drizzle-orm';
import type { Logger } from 'pino';
import { schema, type DbClient } from '@waflow/db';
import { Supervisor } from '@waflow/runtime/workers';
import type { Env } from './env.ts';
import { NUMBERS_CHANGED_CHANNEL } from './routes/numbers/numbers.ts';

export const EMBEDDED_NO_WHATSAPP =
  'Linking WhatsApp numbers needs a real Postgres shared with the number workers: set DATABASE_URL (see the README, "Linking a WhatsApp number") and restart. With the embedded database, use sandbox numbers and the simulator.';

export async function startNumberWorkers(client: DbClient, env: Env, log: Logger): Promise<() => Promise<void>> {
  if (process.env.WAFLOW_WHATSAPP_WORKERS === 'off') return async () => undefined;
  if (!env.databaseUrl) {
    const mark = () =>
      client.db
        .update(schema.numbers)
        .set({ lastError: EMBEDDED_NO_WHATSAPP })
        .where(and(eq(schema.numbers.channel, 'whatsapp'), isNull(schema.numbers.deletedAt), eq(schema.numbers.status, 'new')))
        .catch((err: unknown) => log.error({ err }, 'could not mark WhatsApp numbers'));
    await mark();
    const unlisten = await client.listen(NUMBERS_CHANGED_CHANNEL, () => void mark());
    return unlisten;
  }
  const dataDir = resolve(env.dataDir);
  const supervisor = new Supervisor({
    pm2Home: resolve(dataDir, 'pm2'),
    workerEnv: {
      DATABASE_URL: env.databaseUrl,
      WAFLOW_DATA_DIR: dataDir,
      ...(env.secretKey ? { WAFLOW_SECRET_KEY: env.secretKey } : {}),
      ...(env.redisUrl ? { REDIS_URL: env.redisUrl } : {}),
      ...(process.env.PUPPETEER_EXECUTABLE_PATH ? { PUPPETEER_EXECUTABLE_PATH: process.env.PUPPETEER_EXECUTABLE_PATH } : {}),
      LOG_LEVEL: env.logLevel,
    },
    log: log.child({ component: 'supervisor' }),
  });
  await supervisor.connect();
  let running = Promise.resolve();
  const sync = () => {
    running = running
      .then(() => supervisor.sync(client.db))
      .then((r) => {
        if (r.started.length || r.stopped.length) log.info(r, 'number workers synced');
      })
      .catch((err: unknown) => log.error({ err }, 'number worker sync failed'));
    return running;
  };
  await sync();
  const unlisten = await client.listen(NUMBERS_CHANGED_CHANNEL, () => void sync());
  const timer = setInterval(() => void sync(), 30_000);
  return async () => {
    clearInterval(timer);
    await unlisten();
    await running;
    // Workers keep running under pm2 (they belong to the numbers, not to this process).
    await supervisor.close();
  };
}
