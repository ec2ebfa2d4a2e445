// WhatsApp numbers in `npm start`: with a real Postgres (DATABASE_URL) this process supervises one
// pm2 worker per WhatsApp number (started when a number is added, stopped when it is removed,
// checked every 30 s); with the embedded database it cannot (workers are separate processes that
// share the database), so WhatsApp numbers carry a last_error saying what to set instead.
import { and, eq, isNull } from 'drizzle-orm';
import type { Logger } from 'pino';
import { NUMBERS_CHANGED_CHANNEL, schema, type DbClient } from '@waflow/db';
import { superviseNumbers } from '@waflow/runtime/workers';
import type { Env } from './env.ts';

export const EMBEDDED_NO_WHATSAPP =
  'Linking WhatsApp numbers needs a real Postgres shared with the number workers: set DATABASE_URL (see the README, "Linking a WhatsApp number") and restart. With the embedded database, use sandbox numbers and the simulator.';

export async function startNumberWorkers(
  client: DbClient,
  env: Env,
  log: Logger,
): Promise<() => Promise<void>> {
  if (!env.whatsappWorkers) return async () => undefined;
  if (!env.databaseUrl) {
    const mark = () =>
      client.db
        .update(schema.numbers)
        .set({ lastError: EMBEDDED_NO_WHATSAPP })
        .where(
          and(
            eq(schema.numbers.channel, 'whatsapp'),
            isNull(schema.numbers.deletedAt),
            eq(schema.numbers.status, 'new'),
          ),
        )
        .catch((err: unknown) => log.error({ err }, 'could not mark WhatsApp numbers'));
    await mark();
    const unlisten = await client.listen(NUMBERS_CHANGED_CHANNEL, () => void mark());
    return unlisten;
  }
  return superviseNumbers(client, {
    databaseUrl: env.databaseUrl,
    dataDir: env.dataDir,
    secretKey: env.secretKey,
    redisUrl: env.redisUrl,
    logLevel: env.logLevel,
    log: log.child({ component: 'supervisor' }),
    // Leases, so runtime hosts added later share the numbers with this one instead of doubling them.
    lease: env.lease,
  });
}
