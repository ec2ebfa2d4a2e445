// The one place process.env is read: every variable, its default, and a clear message when a
// value is wrong. The README's configuration table lists the same.
import { readHostLease, type HostLease } from '@waflow/db';
import { readEgressPolicy, type EgressPolicy } from '@waflow/egress';
import { defaultGraphConfig, type GraphConfig } from '@waflow/channel/cloud-api';
import { defaultTwilioConfig, type TwilioConfig } from '@waflow/channel/twilio';
import { readLimits, type Limits } from './limits.ts';
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
  /** Where users reach waflow (https:// makes the refresh cookie Secure and turns HSTS on). */
  publicUrl: string | undefined;
  /** The Bearer token /metrics asks for; unset, /metrics answers direct loopback connections only. */
  metricsToken: string | undefined;
  /** WAFLOW_EGRESS_ALLOW_HOSTS / _CIDRS, read as every process reads them (number workers too). */
  egressPolicy: EgressPolicy;
  /** WAFLOW_WHATSAPP_WORKERS: `on` (default) supervises a pm2 worker per WhatsApp number when DATABASE_URL is set. */
  whatsappWorkers: boolean;
  /** WAFLOW_HOST_ID, WAFLOW_LEASE_TTL_MS, WAFLOW_NUMBERS_PER_HOST: this host's share of the numbers. */
  lease: HostLease;
  /** WAFLOW_MAX_WEBHOOK_ENDPOINTS and the WAFLOW_API_*_RATE_PER_MIN integrator rates. */
  limits: Limits;
  /** WAFLOW_TRUST_PROXY: the reverse proxies whose X-Forwarded-For sign-in throttling believes. */
  trustedProxies: TrustedProxies;
  /** WAFLOW_CLOUD_API_BASE_URL and WAFLOW_CLOUD_API_VERSION: Meta's Graph API (or a double). */
  graph: GraphConfig;
  /** WAFLOW_TWILIO_BASE_URL: Twilio's REST API (or a double). */
  twilio: TwilioConfig;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): Env {
  const problems: string[] = [];
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    problems.push(`PORT must be a port number (1-65535), not "${env.PORT}"`);
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    problems.push(
      'DATABASE_URL must start with postgres:// (leave it unset for the embedded database)',
    );
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl))
    problems.push(
      'REDIS_URL must start with redis:// or rediss:// (leave it unset for in-process locks)',
    );
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel))
    problems.push('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
  const logFormat = env.LOG_FORMAT || 'json';
  if (logFormat !== 'json' && logFormat !== 'pretty')
    problems.push('LOG_FORMAT must be "json" or "pretty"');
  const publicUrl = env.WAFLOW_PUBLIC_URL?.trim().replace(/\/+$/, '') || undefined;
  if (publicUrl && !/^https?:\/\/[^/\s]+/.test(publicUrl))
    problems.push(
      `WAFLOW_PUBLIC_URL must be the address users open, e.g. https://bots.example.com, not "${env.WAFLOW_PUBLIC_URL}"`,
    );
  const metricsToken = env.WAFLOW_METRICS_TOKEN?.trim() || undefined;
  if (metricsToken && metricsToken.length < 16)
    problems.push('WAFLOW_METRICS_TOKEN must be at least 16 characters (openssl rand -hex 24)');
  const egressPolicy = readEgressPolicy(env, problems);
  const workers = env.WAFLOW_WHATSAPP_WORKERS?.trim() || 'on';
  if (workers !== 'on' && workers !== 'off')
    problems.push(`WAFLOW_WHATSAPP_WORKERS must be "on" or "off" (got "${workers}")`);
  const lease = readHostLease(env, problems);
  const limits = readLimits(env, problems);
  const trustedProxies = parseTrustedProxies(env.WAFLOW_TRUST_PROXY, problems);
  const graphBase =
    env.WAFLOW_CLOUD_API_BASE_URL?.trim().replace(/\/+$/, '') || defaultGraphConfig.baseUrl;
  if (!/^https?:\/\/[^/\s]+/.test(graphBase))
    problems.push(
      `WAFLOW_CLOUD_API_BASE_URL must be an http(s) address such as https://graph.facebook.com, not "${graphBase}"`,
    );
  const graphVersion = env.WAFLOW_CLOUD_API_VERSION?.trim() || defaultGraphConfig.version;
  if (!/^v\d+\.\d+$/.test(graphVersion))
    problems.push(
      `WAFLOW_CLOUD_API_VERSION must look like v21.0 (Meta's Graph API version), not "${graphVersion}"`,
    );
  const twilioBase =
    env.WAFLOW_TWILIO_BASE_URL?.trim().replace(/\/+$/, '') || defaultTwilioConfig.baseUrl;
  if (!/^https?:\/\/[^/\s]+/.test(twilioBase))
    problems.push(
      `WAFLOW_TWILIO_BASE_URL must be an http(s) address such as https://api.twilio.com, not "${twilioBase}"`,
    );
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
    publicUrl,
    metricsToken,
    egressPolicy,
    whatsappWorkers: workers !== 'off',
    lease,
    limits,
    trustedProxies,
    graph: { baseUrl: graphBase, version: graphVersion },
    twilio: { baseUrl: twilioBase },
  };
}
