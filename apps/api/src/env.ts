// The one place process.env is read: every variable, its default, and a clear message when a
// value is wrong. The README's configuration table lists the same.
import { readEgressPolicy, type EgressPolicy } from '@waflow/runtime';
import { parseTrustedProxies, type TrustedProxies } from './auth/client-address.ts';

export interface Env {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  secretKey: string | undefined;
  webOrigin: string | undefined;
  webDist: string | undefined;
  logLevel: string;
  /** `json` (default) or `pretty` (readable lines, what `npm run dev` uses). */
  logFormat: 'json' | 'pretty';
  /** WAFLOW_EGRESS_ALLOW_HOSTS / _CIDRS, read as every process reads them (number workers too). */
  egressPolicy: EgressPolicy;
  /** WAFLOW_TRUST_PROXY: the reverse proxies whose X-Forwarded-For sign-in throttling believes. */
  trustedProxies: TrustedProxies;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): Env {
  const problems: string[] = [];
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`PORT must be a port number (1-65535), not "${env.PORT}"`);
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must start with postgres:// (leave it unset for the embedded database)');
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL must start with redis:// or rediss:// (leave it unset for in-process locks)');
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) problems.push('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
  const logFormat = env.LOG_FORMAT || 'json';
  if (logFormat !== 'json' && logFormat !== 'pretty') problems.push('LOG_FORMAT must be "json" or "pretty"');
  const egressPolicy = readEgressPolicy(env, problems);
  const trustedProxies = parseTrustedProxies(env.WAFLOW_TRUST_PROXY, problems);
  if (problems.length > 0) throw new Error(`Configuration problems:\n- ${problems.join('\n- ')}`);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl,
    dataDir: env.WAFLOW_DATA_DIR ?? './data',
    redisUrl,
    secretKey: env.WAFLOW_SECRET_KEY,
    webOrigin: env.WAFLOW_WEB_ORIGIN,
    webDist: env.WAFLOW_WEB_DIST,
    logLevel,
    logFormat: logFormat as 'json' | 'pretty',
    egressPolicy,
    trustedProxies,
  };
}
