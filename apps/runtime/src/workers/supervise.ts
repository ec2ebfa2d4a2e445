// Keeps one pm2 worker per WhatsApp number running on this host: synced at start, whenever the
// API says numbers changed (NOTIFY numbers_changed) and every 30 s. Used by `npm start` (the API
// process) and by a runtime-only host (`host-main.ts`, the Docker runtime image).
import { resolve } from 'node:path';
import {
  claimNumberLeases,
  NUMBERS_CHANGED_CHANNEL,
  releaseNumberLeases,
  type DbClient,
} from '@waflow/db';
import type { Logger } from '../observability/logger.ts';
import { Supervisor } from './supervisor.ts';

export interface SuperviseOptions {
  databaseUrl: string;
  dataDir: string;
  secretKey?: string | undefined;
  redisUrl?: string | undefined;
  logLevel?: string | undefined;
  log: Logger;
  intervalMs?: number;
  /**
   * Several hosts: this host's id; it serves only the numbers it holds a lease on (renewed every
   * third of the TTL, taken over by another host when it lapses). Unset: every WhatsApp number.
   */
  lease?: { hostId: string; ttlMs: number; capacity?: number };
  /** More environment for the workers (WhatsApp and Chromium settings, WAFLOW_WA_* / WAFLOW_CHROMIUM_*). */
  workerEnv?: Record<string, string>;
  /** pm2 restart backoff for the workers (ms). */
  restartBackoffMs?: number;
}

/**
 * The worker settings this host's environment carries (WAFLOW_WA_*, WAFLOW_CHROMIUM_*, the egress
 * allow-lists WAFLOW_EGRESS_*, PUPPETEER_EXECUTABLE_PATH), handed to its workers explicitly rather
 * than through pm2's daemon.
 */
export function workerEnvFromProcess(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env))
    if (
      v !== undefined &&
      /^(WAFLOW_WA_|WAFLOW_CHROMIUM_|WAFLOW_EGRESS_|PUPPETEER_EXECUTABLE_PATH$)/.test(k)
    )
      out[k] = v;
  return out;
}

/** Starts supervising; resolves with a stop function (the workers keep running under pm2). */
export async function superviseNumbers(
  client: DbClient,
  opts: SuperviseOptions,
): Promise<() => Promise<void>> {
  const dataDir = resolve(opts.dataDir);
  const supervisor = new Supervisor({
    pm2Home: resolve(dataDir, 'pm2'),
    ...(opts.restartBackoffMs ? { restartBackoffMs: opts.restartBackoffMs } : {}),
    workerEnv: {
      ...workerEnvFromProcess(),
      ...opts.workerEnv,
      DATABASE_URL: opts.databaseUrl,
      WAFLOW_DATA_DIR: dataDir,
      ...(opts.secretKey ? { WAFLOW_SECRET_KEY: opts.secretKey } : {}),
      ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
      ...(opts.logLevel ? { LOG_LEVEL: opts.logLevel } : {}),
      ...(opts.lease
        ? { WAFLOW_LEASE_HOST: opts.lease.hostId, WAFLOW_LEASE_TTL_MS: String(opts.lease.ttlMs) }
        : {}),
    },
    log: opts.log,
  });
  await supervisor.connect();
  let running = Promise.resolve();
  const sync = () => {
    running = running
      .then(async () =>
        supervisor.sync(
          client.db,
          opts.lease ? await claimNumberLeases(client.db, opts.lease) : undefined,
        ),
      )
      .then((r) => {
        if (r.started.length || r.stopped.length) opts.log.info(r, 'number workers synced');
      })
      .catch((err: unknown) => opts.log.error({ err }, 'number worker sync failed'));
    return running;
  };
  await sync();
  const unlisten = await client.listen(NUMBERS_CHANGED_CHANNEL, () => void sync());
  const timer = setInterval(
    () => void sync(),
    opts.lease ? Math.max(1000, opts.lease.ttlMs / 3) : (opts.intervalMs ?? 30_000),
  );
  return async () => {
    clearInterval(timer);
    await unlisten();
    await running;
    await supervisor.close();
    if (opts.lease) await releaseNumberLeases(client.db, opts.lease.hostId).catch(() => undefined);
  };
}
