// How a host that supervises number workers (the API with DATABASE_URL, or a runtime-only host)
// reads its lease settings: parsed once, a wrong value named with what to set.
import { hostname } from 'node:os';

export interface HostLease {
  hostId: string;
  ttlMs: number;
  /** How many numbers this host serves at most (unset: no limit). */
  capacity?: number;
}

function positiveInteger(
  env: NodeJS.ProcessEnv,
  name: string,
  problems: string[],
): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    problems.push(`${name} must be a positive whole number (got "${raw}")`);
    return undefined;
  }
  return n;
}

/** WAFLOW_HOST_ID (default hostname-pid), WAFLOW_LEASE_TTL_MS (15000), WAFLOW_NUMBERS_PER_HOST (no limit). */
export function readHostLease(env: NodeJS.ProcessEnv, problems: string[]): HostLease {
  const ttlMs = positiveInteger(env, 'WAFLOW_LEASE_TTL_MS', problems) ?? 15_000;
  const capacity = positiveInteger(env, 'WAFLOW_NUMBERS_PER_HOST', problems);
  return {
    hostId: env.WAFLOW_HOST_ID?.trim() || `${hostname()}-${process.pid}`,
    ttlMs,
    ...(capacity === undefined ? {} : { capacity }),
  };
}
