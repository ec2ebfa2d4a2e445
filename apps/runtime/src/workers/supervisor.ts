// The runtime supervisor: one pm2 process per WhatsApp number (worker-main.ts), started when a
// number is added, stopped when it is removed, restarted by pm2 with exponential backoff when it
// crashes. pm2 keeps its own state in PM2_HOME (set before pm2 loads; one per supervisor host).
// Workers run the prebuilt bundle (worker-bundle.ts) with plain node, rebuilt here when stale.
import type * as Pm2Module from 'pm2';
import type { StartOptions } from 'pm2';
import { listWhatsAppNumbers, type Database } from '@waflow/db';
import type { Logger } from '../observability/logger.ts';
import { LEASE_LOST_EXIT_CODE } from './env.ts';
import { ensureWorkerBundle } from './worker-bundle.ts';

type Pm2 = typeof Pm2Module;

/**
 * Node flags of every worker. A worker is I/O glue handling a message a second at most, so V8
 * favours memory over speed: --optimize-for-size keeps a small young generation (worker RSS ~132
 * -> ~90 MB in bench:memory); --no-opt --no-maglev leave JS to the interpreter and the baseline
 * compiler, no optimised code or its feedback (~90 -> ~80 MB; a worker also spent less CPU linking
 * and answering without the optimising compilers). Not --lite-mode: it implies --jitless, which
 * removes WebAssembly and with it fetch (undici's parser). No old-space cap: media pass through
 * the heap as base64.
 */
export const WORKER_NODE_ARGS: readonly string[] = [
  '--optimize-for-size',
  '--no-opt',
  '--no-maglev',
];

export interface SupervisorOptions {
  /** pm2's state folder; the daemon listens on sockets inside it. */
  pm2Home: string;
  /** Environment every worker gets (DATABASE_URL, WAFLOW_DATA_DIR, WAFLOW_SECRET_KEY, …). */
  workerEnv: Record<string, string>;
  log: Logger;
  /** First restart delay; pm2 doubles it up to 15 s and resets it after 30 s of uptime. */
  restartBackoffMs?: number;
  /** Node flags for the workers (default WORKER_NODE_ARGS). */
  nodeArgs?: readonly string[];
  /** Node's memory limit for the worker itself (Chromium is watched by the worker). */
  maxMemoryRestart?: string;
}

export interface WorkerInfo {
  numberId: string;
  pid: number | undefined;
  status: string | undefined;
  restarts: number;
}

export const workerName = (numberId: string) => `waflow-number-${numberId}`;

function call<T>(fn: (cb: (err: Error | null, result: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    fn((err, result) => (err ? reject(err) : resolve(result))),
  );
}

export class Supervisor {
  private pm2: Pm2 | undefined;

  constructor(private readonly opts: SupervisorOptions) {}

  async connect(): Promise<void> {
    if (this.pm2) return;
    // pm2 reads PM2_HOME when it loads: set it first, then import.
    process.env.PM2_HOME = this.opts.pm2Home;
    const mod = (await import('pm2')) as Pm2 & { default?: Pm2 };
    const pm2 = mod.default ?? mod;
    await call<unknown>((cb) => pm2.connect(false, (err) => cb(err ?? null, undefined)));
    this.pm2 = pm2;
  }

  private get api(): Pm2 {
    if (!this.pm2) throw new Error('the supervisor is not connected: call connect() first');
    return this.pm2;
  }

  /** Starts the number's worker (no-op when it runs). */
  async start(numberId: string, extraEnv: Record<string, string> = {}): Promise<void> {
    if ((await this.info(numberId))?.status === 'online') return;
    const options: StartOptions = {
      name: workerName(numberId),
      // Plain node on the bundle: tsx would add its loader thread and esbuild's transformer to
      // every worker (~70 MB resident each in bench:memory).
      script: await ensureWorkerBundle(),
      interpreter: process.execPath,
      interpreter_args: [...(this.opts.nodeArgs ?? WORKER_NODE_ARGS)],
      exec_mode: 'fork',
      autorestart: true,
      // A worker whose host lost the lease stops for good (another host serves the number now).
      stop_exit_codes: [LEASE_LOST_EXIT_CODE],
      exp_backoff_restart_delay: this.opts.restartBackoffMs ?? 1_000,
      kill_timeout: 15_000,
      merge_logs: true,
      env: { ...this.opts.workerEnv, ...extraEnv, WAFLOW_NUMBER_ID: numberId },
      ...(this.opts.maxMemoryRestart ? { max_memory_restart: this.opts.maxMemoryRestart } : {}),
    };
    await call((cb) => this.api.start(options, cb));
    this.opts.log.info({ numberId }, 'number worker started under pm2');
  }

  /** Stops and forgets the number's worker (graceful: SIGINT, then SIGKILL after 15 s). */
  async stop(numberId: string): Promise<void> {
    if (!(await this.info(numberId))) return;
    await call((cb) => this.api.delete(workerName(numberId), cb));
    this.opts.log.info({ numberId }, 'number worker stopped');
  }

  async info(numberId: string): Promise<WorkerInfo | undefined> {
    const list = await call<
      { name?: string; pid?: number; pm2_env?: { status?: string; restart_time?: number } }[]
    >((cb) => this.api.list(cb));
    const p = list.find((x) => x.name === workerName(numberId));
    if (!p) return undefined;
    return {
      numberId,
      pid: p.pid || undefined,
      status: p.pm2_env?.status,
      restarts: p.pm2_env?.restart_time ?? 0,
    };
  }

  /** Makes the running workers match the WhatsApp numbers in the database (or `only` those). */
  async sync(db: Database, only?: string[]): Promise<{ started: string[]; stopped: string[] }> {
    // `only`: the numbers this host holds a lease on (multi-host); else every WhatsApp number.
    const wanted = new Set(only ?? (await listWhatsAppNumbers(db)).map((n) => n.id));
    const list = await call<{ name?: string; pm2_env?: { status?: string } }[]>((cb) =>
      this.api.list(cb),
    );
    const workers = list.filter((p) => p.name?.startsWith('waflow-number-'));
    const running = new Set(workers.map((p) => (p.name ?? '').slice('waflow-number-'.length)));
    // A worker that ended for good (its lease lapsed, or pm2 gave up) and is wanted again is
    // started afresh.
    const ended = new Set(
      workers
        .filter((p) => p.pm2_env?.status === 'stopped' || p.pm2_env?.status === 'errored')
        .map((p) => (p.name ?? '').slice('waflow-number-'.length)),
    );
    const started: string[] = [];
    const stopped: string[] = [];
    for (const id of wanted) {
      if (running.has(id) && !ended.has(id)) continue;
      if (ended.has(id)) await call((cb) => this.api.delete(workerName(id), cb));
      await this.start(id);
      started.push(id);
    }
    for (const id of running) {
      if (wanted.has(id)) continue;
      await this.stop(id);
      stopped.push(id);
    }
    return { started, stopped };
  }

  /** Disconnects from pm2; with `killDaemon` also stops every worker and the daemon. */
  async close(opts: { killDaemon?: boolean } = {}): Promise<void> {
    const pm2 = this.pm2;
    if (!pm2) return;
    if (opts.killDaemon) await call((cb) => pm2.killDaemon(cb)).catch(() => undefined);
    pm2.disconnect();
    this.pm2 = undefined;
  }
}
