// The integrator API's rate limits, one set per app (the middleware and the send routes share
// them): per key and per workspace (every route), per destination phone (messages and flow
// starts), and per client address for missing, unknown or revoked keys.
import type { Context } from 'hono';
import type { AppEnv, Deps } from '../context.ts';
import { AppError } from '../errors.ts';
import { defaultLimits } from '../limits.ts';
import { RateBuckets } from './rate-buckets.ts';

export interface IntegratorLimiters {
  key: RateBuckets;
  workspace: RateBuckets;
  destination: RateBuckets;
  badKey: RateBuckets;
}

const byDeps = new WeakMap<Deps, IntegratorLimiters>();

export function integratorLimiters(deps: Deps): IntegratorLimiters {
  let l = byDeps.get(deps);
  if (!l) {
    const limits = deps.limits ?? defaultLimits;
    // Keys and workspaces: bursts of a quarter of the minute's rate. A destination and a bad
    // client may use their whole minute at once, then wait.
    const quarter = (perMin: number) => new RateBuckets(perMin, Math.max(1, Math.ceil(perMin / 4)));
    l = {
      key: quarter(limits.keyPerMin),
      workspace: quarter(limits.workspacePerMin),
      destination: new RateBuckets(limits.destinationPerMin, limits.destinationPerMin),
      badKey: new RateBuckets(limits.badKeyPerMin, limits.badKeyPerMin),
    };
    byDeps.set(deps, l);
  }
  return l;
}

/** A 429 with Retry-After, saying which limit was reached and what to do. */
export function rateLimited(
  c: Context<AppEnv>,
  wait: number,
  code: string,
  message: string,
): AppError {
  c.header('Retry-After', String(wait));
  return new AppError(429, code, `${message}: wait ${wait} s and slow down.`);
}

/** Counts a message or flow start to `phone` (digits) for the caller's workspace; 429 past the limit. */
export function takeDestination(c: Context<AppEnv>, deps: Deps, phone: string): void {
  const buckets = integratorLimiters(deps).destination;
  const key = `${c.get('workspaceId')}:${phone}`;
  const now = Date.now();
  const wait = buckets.wait(key, now);
  if (wait > 0)
    throw rateLimited(
      c,
      wait,
      'DESTINATION_RATE_LIMITED',
      `This workspace sends +${phone} more than ${buckets.perMin} messages or flow starts a minute`,
    );
  buckets.take(key, now);
}
