// What one workspace or one integrator may ask of this API: webhook endpoints per workspace and
// integrator request rates (per key, per workspace, per destination phone, unknown keys per
// client address). Read from the environment by env.ts; the README's "Limits" section lists them.

export interface Limits {
  /** Webhook endpoints one workspace may have (WAFLOW_MAX_WEBHOOK_ENDPOINTS). */
  maxWebhookEndpoints: number;
  /** Integrator requests one API key may make a minute, every route together (WAFLOW_API_KEY_RATE_PER_MIN). */
  keyPerMin: number;
  /** Integrator requests of all of a workspace's keys together a minute (WAFLOW_API_WORKSPACE_RATE_PER_MIN). */
  workspacePerMin: number;
  /** Messages and flow starts one workspace sends one phone number a minute (WAFLOW_API_DESTINATION_RATE_PER_MIN). */
  destinationPerMin: number;
  /** Requests with a missing, unknown or revoked key one client address may make a minute (WAFLOW_API_BAD_KEY_RATE_PER_MIN). */
  badKeyPerMin: number;
}

export const defaultLimits: Limits = {
  maxWebhookEndpoints: 20,
  keyPerMin: 120,
  workspacePerMin: 300,
  destinationPerMin: 10,
  badKeyPerMin: 10,
};

const variables: Record<keyof Limits, string> = {
  maxWebhookEndpoints: 'WAFLOW_MAX_WEBHOOK_ENDPOINTS',
  keyPerMin: 'WAFLOW_API_KEY_RATE_PER_MIN',
  workspacePerMin: 'WAFLOW_API_WORKSPACE_RATE_PER_MIN',
  destinationPerMin: 'WAFLOW_API_DESTINATION_RATE_PER_MIN',
  badKeyPerMin: 'WAFLOW_API_BAD_KEY_RATE_PER_MIN',
};

/** Each limit from its variable (a whole number, at least 1), else its default; problems are collected. */
export function readLimits(env: NodeJS.ProcessEnv, problems: string[]): Limits {
  const limits = { ...defaultLimits };
  for (const [field, name] of Object.entries(variables) as [keyof Limits, string][]) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
      problems.push(
        `${name} must be a whole number from 1 to 1000000 (default ${defaultLimits[field]}), not "${raw}"`,
      );
    else limits[field] = n;
  }
  return limits;
}
