// The one place a number worker reads process.env: every variable, its default, and a message
// that says what to set when one is wrong.
import { readEgressPolicy, type EgressPolicy } from '@waflow/egress';

export interface WorkerEnv {
  numberId: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  /** This host's data folder (profiles, media, the generated secret key when none is set). */
  dataDir: string;
  secretKey: string | undefined;
  /** PUPPETEER_EXECUTABLE_PATH; unset: the channel launches the first installed of DEFAULT_CHROMIUM_PATHS. */
  chromiumPath: string | undefined;
  /** Extra Chromium flags: a JSON array of strings, or space separated (flags without spaces). */
  chromiumExtraArgs: string[];
  /** Chromium in one process (default; least memory) or its usual several (`WAFLOW_CHROMIUM_SINGLE_PROCESS=off`). */
  chromiumSingleProcess: boolean;
  /** `remote` (encrypted in Postgres, default) or `local` (development only). */
  session: 'remote' | 'local';
  /** First session backup after ready, ms. */
  sessionFirstSaveMs: number;
  /** Worker + Chromium resident memory that triggers a restart, MB. */
  memoryCeilingMb: number;
  heartbeatMs: number;
  /** Pin WhatsApp Web: a version and a folder with `<version>.html` (the tests' double). */
  webVersion: string | undefined;
  webVersionCacheDir: string | undefined;
  logLevel: string;
  /** How many times pm2 restarted this worker (pm2 sets `restart_time`). */
  pmRestarts: number;
  /**
   * Several hosts (set by the supervisor): the host whose lease this worker runs under, and the
   * lease TTL. The worker stops itself when the host stops renewing.
   */
  lease: { hostId: string; ttlMs: number } | undefined;
  /** The operator's egress allow-lists: http blocks, webhooks and media URLs of this number obey them. */
  egressPolicy: EgressPolicy;
}

/** The exit code of a worker that stopped because its host's lease lapsed: pm2 does not restart it. */
export const LEASE_LOST_EXIT_CODE = 64;

export class WorkerEnvError extends Error {
  readonly code = 'WORKER_ENV_INVALID';
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new WorkerEnvError(`${name} must be a positive number (got "${raw}")`);
  return n;
}

function extraArgs(raw: string | undefined): string[] {
  if (!raw?.trim()) return [];
  if (!raw.trim().startsWith('[')) return raw.split(' ').filter(Boolean);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string'))
    throw new WorkerEnvError(
      'WAFLOW_CHROMIUM_EXTRA_ARGS must be a JSON array of strings, like ["--flag=a b"]',
    );
  return parsed;
}

function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (v === 'on') return true;
  if (v === 'off') return false;
  throw new WorkerEnvError(`${name} must be "on" or "off" (got "${v}")`);
}

export function readWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const numberId = env.WAFLOW_NUMBER_ID ?? '';
  if (!/^[0-9a-f-]{36}$/i.test(numberId))
    throw new WorkerEnvError(
      'WAFLOW_NUMBER_ID must be the id (uuid) of the number this worker serves',
    );
  const databaseUrl = env.DATABASE_URL ?? '';
  if (!databaseUrl.startsWith('postgres'))
    throw new WorkerEnvError(
      'DATABASE_URL must be a postgres:// URL: number workers share the database with the API',
    );
  const session = env.WAFLOW_WA_SESSION ?? 'remote';
  if (session !== 'remote' && session !== 'local')
    throw new WorkerEnvError(
      'WAFLOW_WA_SESSION must be "remote" (encrypted in Postgres) or "local" (development)',
    );
  const problems: string[] = [];
  const egressPolicy = readEgressPolicy(env, problems);
  if (problems.length > 0) throw new WorkerEnvError(problems.join('; '));
  return {
    numberId,
    databaseUrl,
    redisUrl: env.REDIS_URL || undefined,
    dataDir: env.WAFLOW_DATA_DIR || './data',
    secretKey: env.WAFLOW_SECRET_KEY || undefined,
    chromiumPath: env.PUPPETEER_EXECUTABLE_PATH || undefined,
    chromiumExtraArgs: extraArgs(env.WAFLOW_CHROMIUM_EXTRA_ARGS),
    chromiumSingleProcess: onOff(env, 'WAFLOW_CHROMIUM_SINGLE_PROCESS', true),
    session,
    sessionFirstSaveMs: positive(env, 'WAFLOW_WA_SESSION_FIRST_SAVE_MS', 60_000),
    memoryCeilingMb: positive(env, 'WAFLOW_WA_MEMORY_CEILING_MB', 900),
    heartbeatMs: positive(env, 'WAFLOW_WA_HEARTBEAT_MS', 15_000),
    webVersion: env.WAFLOW_WA_WEB_VERSION || undefined,
    webVersionCacheDir: env.WAFLOW_WA_WEB_CACHE_DIR || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    pmRestarts: Number(env.restart_time ?? 0) || 0,
    lease: env.WAFLOW_LEASE_HOST
      ? { hostId: env.WAFLOW_LEASE_HOST, ttlMs: positive(env, 'WAFLOW_LEASE_TTL_MS', 15_000) }
      : undefined,
    egressPolicy,
  };
}
