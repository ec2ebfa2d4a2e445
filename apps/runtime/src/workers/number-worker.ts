// One WhatsApp number's worker: a Runtime attached to one WhatsAppChannel, a heartbeat on the
// number's row, a memory ceiling (worker + Chromium) that restarts the client, and process-level
// handlers so a stray rejection restarts the client instead of killing the worker silently.
import { createCoordinator } from '@waflow/coord';
import {
  createDb,
  heartbeatNumber,
  loadKeyring,
  numberLeaseRemainingMs,
  recordNumberRestart,
} from '@waflow/db';
import { WhatsAppChannel } from '../channels/whatsapp/whatsapp-channel.ts';
import { CHROMIUM_ARGS, CHROMIUM_MULTI_PROCESS_ARGS } from '../channels/whatsapp/chromium.ts';
import { bindNumber, createLogger, type Logger } from '../observability/logger.ts';
import { Runtime } from '../runtime.ts';
import type { WorkerEnv } from './env.ts';
import { treeMemoryMb } from './memory.ts';

export interface NumberWorker {
  runtime: Runtime;
  channel: WhatsAppChannel;
  log: Logger;
  /** Checks memory now (the timer calls it every heartbeat). */
  checkMemory(): Promise<void>;
  stop(): Promise<void>;
}

/** A number worker's logger: every line names the number, once. */
export function workerLogger(
  env: Pick<WorkerEnv, 'logLevel' | 'numberId'>,
  destination?: NodeJS.WritableStream,
): Logger {
  return bindNumber(
    createLogger({
      level: env.logLevel,
      name: 'waflow-number-worker',
      ...(destination ? { destination } : {}),
    }),
    env.numberId,
  );
}

export async function startNumberWorker(
  env: WorkerEnv,
  opts: { log?: Logger; onLeaseLost?: () => void } = {},
): Promise<NumberWorker> {
  const log = opts.log ? bindNumber(opts.log, env.numberId) : workerLogger(env);
  const client = await createDb({ url: env.databaseUrl, max: 5 });
  const coord = createCoordinator(env.redisUrl ? { redisUrl: env.redisUrl } : {});
  const { keyring, generated } = loadKeyring(env.secretKey, env.dataDir);
  if (generated)
    log.warn(
      { dataDir: env.dataDir },
      'no WAFLOW_SECRET_KEY: generated a key in the data folder; other hosts cannot restore this session',
    );
  if (env.pmRestarts > 0) {
    await recordNumberRestart(
      client,
      env.numberId,
      `worker process restarted by pm2 (restart ${env.pmRestarts})`,
    ).catch((err: unknown) => log.error({ err }, 'restart count update failed'));
  }

  const runtime = new Runtime({
    client,
    coord,
    log,
    keyring,
    retention: false,
    egressPolicy: env.egressPolicy,
  });
  const channel = new WhatsAppChannel({
    numberId: env.numberId,
    db: client,
    log,
    dataDir: env.dataDir,
    egress: runtime.egress,
    session:
      env.session === 'local'
        ? { kind: 'local' }
        : { kind: 'remote', keyring, firstSaveDelayMs: env.sessionFirstSaveMs },
    chromium: {
      executablePath: env.chromiumPath,
      args: [
        ...(env.chromiumSingleProcess ? CHROMIUM_ARGS : CHROMIUM_MULTI_PROCESS_ARGS),
        ...env.chromiumExtraArgs,
      ],
    },
    ...(env.webVersion && env.webVersionCacheDir
      ? {
          clientOptions: {
            webVersion: env.webVersion,
            webVersionCache: { type: 'local' as const, path: env.webVersionCacheDir, strict: true },
          },
        }
      : {}),
  });
  await runtime.start();
  await runtime.attach(env.numberId, channel);

  let checking = false;
  const checkMemory = async (): Promise<void> => {
    if (checking) return;
    checking = true;
    try {
      const chromiumPid = channel.currentClient?.pupBrowser?.process()?.pid;
      const worker = treeMemoryMb(process.pid);
      const chromium = chromiumPid ? treeMemoryMb(chromiumPid) : { pssMb: 0 };
      // The worker's tree includes Chromium (its child); PSS splits shared pages fairly.
      const totalMb = Math.max(worker.pssMb, chromium.pssMb);
      if (totalMb > env.memoryCeilingMb) {
        const reason = `memory ceiling: worker + Chromium used ${totalMb} MB (ceiling ${env.memoryCeilingMb} MB); restarting the client`;
        log.warn({ totalMb, ceilingMb: env.memoryCeilingMb }, reason);
        await channel.restart(reason);
      }
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => {
    heartbeatNumber(client.db, env.numberId).catch((err: unknown) =>
      log.error({ err }, 'heartbeat failed'),
    );
    checkMemory().catch((err: unknown) => log.error({ err }, 'memory check failed'));
  }, env.heartbeatMs);
  await heartbeatNumber(client.db, env.numberId);

  // Several hosts: the supervisor renews this host's leases every third of the TTL, so a healthy
  // lease never has less than two thirds left. Less than a third left means the host stopped
  // renewing (its supervisor died): stop before the lease expires and another host starts this
  // number, so two WhatsApp clients never run one session.
  let leaseTimer: NodeJS.Timeout | undefined;
  if (env.lease) {
    const lease = env.lease;
    let lost = false;
    leaseTimer = setInterval(
      () => {
        numberLeaseRemainingMs(client.db, env.numberId, lease.hostId)
          .then((ms) => {
            if (lost || (ms !== undefined && ms >= lease.ttlMs / 3)) return;
            lost = true;
            log.warn(
              { hostId: lease.hostId, remainingMs: ms ?? 0 },
              'this host stopped renewing its lease on the number: the worker stops so another host can take it over',
            );
            opts.onLeaseLost?.();
          })
          .catch((err: unknown) => log.error({ err }, 'lease check failed'));
      },
      Math.max(200, lease.ttlMs / 6),
    );
  }

  return {
    runtime,
    channel,
    log,
    checkMemory,
    async stop() {
      clearInterval(timer);
      if (leaseTimer) clearInterval(leaseTimer);
      await channel.saveSession().catch(() => undefined);
      await runtime.stop();
      await coord.close();
      await client.close();
    },
  };
}
