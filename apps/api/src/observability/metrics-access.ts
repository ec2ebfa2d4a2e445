// Who may read /metrics: it names numbers, queue depths and the process's memory, so not the
// internet. With WAFLOW_METRICS_TOKEN set, a scraper sends `Authorization: Bearer <token>`
// (Prometheus: `authorization: { credentials: … }`). Without it, /metrics answers only a direct
// connection from this machine's loopback address that no proxy forwarded (a reverse proxy on
// the same host connects from loopback too, but adds X-Forwarded-For / Forwarded): behind a
// proxy, set the token.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv, Deps } from '../context.ts';
import { AppError } from '../errors.ts';

const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/** The peer's address as @hono/node-server hands it over (`c.env.incoming`); undefined elsewhere. */
function remoteAddress(c: Context<AppEnv>): string | undefined {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return undefined;
  const incoming = env.incoming as { socket?: { remoteAddress?: unknown } } | undefined;
  const address = incoming?.socket?.remoteAddress;
  return typeof address === 'string' ? address : undefined;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function requireMetricsAccess(deps: Deps): MiddlewareHandler<AppEnv> {
  return async function metricsAccess(c, next) {
    if (deps.metricsToken) {
      const presented = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
      // Compared as digests: equal length, constant time.
      if (!timingSafeEqual(digest(presented), digest(deps.metricsToken))) {
        c.header('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new AppError(
          401,
          'METRICS_TOKEN_REQUIRED',
          'Send the metrics token as Authorization: Bearer <WAFLOW_METRICS_TOKEN>.',
        );
      }
      return next();
    }
    const forwarded = FORWARDING_HEADERS.some((h) => c.req.header(h) !== undefined);
    if (forwarded || !isLoopback(remoteAddress(c))) {
      throw new AppError(
        403,
        'METRICS_LOOPBACK_ONLY',
        'Without WAFLOW_METRICS_TOKEN, /metrics answers only this machine (direct, not through a proxy): set WAFLOW_METRICS_TOKEN and scrape with Authorization: Bearer <token>.',
      );
    }
    return next();
  };
}
