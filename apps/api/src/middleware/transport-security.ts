// Whether the browser reached waflow over https, and the headers that depend on it: the refresh
// cookie's Secure flag and Strict-Transport-Security. Forwarded headers (X-Forwarded-Proto) are
// not read: a client could send them, and there is no trusted-proxy setting yet. Behind a
// TLS-terminating proxy, WAFLOW_PUBLIC_URL=https://… says so.
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv, Deps } from '../context.ts';

/** HSTS for a year, subdomains included (what hono's secureHeaders sent on every answer before). */
export const HSTS = 'max-age=31536000; includeSubDomains';

export function servedOverHttps(c: Context<AppEnv>, deps: Deps): boolean {
  if (deps.secureCookies) return true;
  if (deps.publicUrl?.startsWith('https://')) return true;
  return new URL(c.req.url).protocol === 'https:';
}

/** Strict-Transport-Security on answers served over https only (over http it would pin a site that has no TLS). */
export function strictTransportSecurity(deps: Deps): MiddlewareHandler<AppEnv> {
  return async function strictTransportSecurityMiddleware(c, next) {
    await next();
    if (servedOverHttps(c, deps)) c.res.headers.set('Strict-Transport-Security', HSTS);
  };
}
