// Entry point of a number worker process (started by the supervisor under pm2, one per number).
// Never dies silently: an unhandled rejection is logged and restarts the WhatsApp client; an
// uncaught exception is logged and ends the process, which pm2 restarts with backoff.
import { LEASE_LOST_EXIT_CODE, readWorkerEnv } from './env.ts';
import { startNumberWorker, workerLogger, type NumberWorker } from './number-worker.ts';

const env = readWorkerEnv();
const log = workerLogger(env);
const held: { worker?: NumberWorker } = {};

process.on('unhandledRejection', (reason) => {
  log.error({ err: reason }, 'unhandled rejection; restarting the WhatsApp client');
  void held.worker?.channel.restart(
    `unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`,
  );
});
process.on('uncaughtException', (err) => {
  log.fatal({ err }, 'uncaught exception; the worker exits and pm2 restarts it');
  process.exit(1);
});

let stopping = false;
const shutdown = (signal: string, code = 0) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  const done = held.worker ? held.worker.stop() : Promise.resolve();
  done.then(
    () => process.exit(code),
    (err: unknown) => {
      log.error({ err }, 'stop failed');
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

// The lease lapsed: exit with the code pm2 is told not to restart (the host that takes the
// number over starts its own worker).
held.worker = await startNumberWorker(env, {
  log,
  onLeaseLost: () => shutdown('lease lost', LEASE_LOST_EXIT_CODE),
});
log.info('number worker started');
