// What one workspace or one integrator may ask of this API: webhook endpoints per workspace,
// integrator request rates (per key, per workspace, per destination phone, unknown keys per
// client address), blocks per flow and the size of a request body. Read from the environment by
// env.ts; the README's "Limits" section lists them.

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
  /** Blocks one flow may have (WAFLOW_MAX_FLOW_BLOCKS); a bigger draft is refused, not saved. */
  maxFlowBlocks: number;
  /** The largest request body the API reads, in KB (WAFLOW_MAX_BODY_KB). */
  maxBodyKb: number;
  /** The largest contacts CSV an import reads, in MB (WAFLOW_MAX_IMPORT_MB): streamed, never held whole. */
  maxImportMb: number;
}

export const defaultLimits: Limits = {
  maxWebhookEndpoints: 20,
  keyPerMin: 120,
  workspacePerMin: 300,
  destinationPerMin: 10,
  badKeyPerMin: 10,
  // 2,000-block flows validate in about 100 ms; the schema's own ceiling is 20,000.
  maxFlowBlocks: 2_000,
  // A 2,000-block flow of long texts, menus and positions is about 800 KB of JSON (measured by
  // routes/flows/flow-size.test.ts), too close to the old 1 MB: 4 MB leaves room for longer texts.
  maxBodyKb: 4_096,
  // 100,000 contacts with a few attributes are about 10 MB.
  maxImportMb: 200,
};

/** The most each limit may be set to (the flow schema's maxItems bounds the blocks). */
const ceilings: Partial<Record<keyof Limits, number>> = {
  maxFlowBlocks: 20_000,
  maxBodyKb: 65_536,
  maxImportMb: 4_096,
};

const variables: Record<keyof Limits, string> = {
  maxWebhookEndpoints: 'WAFLOW_MAX_WEBHOOK_ENDPOINTS',
  keyPerMin: 'WAFLOW_API_KEY_RATE_PER_MIN',
  workspacePerMin: 'WAFLOW_API_WORKSPACE_RATE_PER_MIN',
  destinationPerMin: 'WAFLOW_API_DESTINATION_RATE_PER_MIN',
  badKeyPerMin: 'WAFLOW_API_BAD_KEY_RATE_PER_MIN',
  maxFlowBlocks: 'WAFLOW_MAX_FLOW_BLOCKS',
  maxBodyKb: 'WAFLOW_MAX_BODY_KB',
  maxImportMb: 'WAFLOW_MAX_IMPORT_MB',
};

/** The variable that sets a limit, for messages that tell an operator what to change. */
export function limitVariable(field: keyof Limits): string {
  return variables[field];
}

/** Each limit from its variable (a whole number, at least 1), else its default; problems are collected. */
export function readLimits(env: NodeJS.ProcessEnv, problems: string[]): Limits {
  const limits = { ...defaultLimits };
  for (const [field, name] of Object.entries(variables) as [keyof Limits, string][]) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const n = Number(raw);
    const most = ceilings[field] ?? 1_000_000;
    if (!Number.isInteger(n) || n < 1 || n > most)
      problems.push(
        `${name} must be a whole number from 1 to ${most} (default ${defaultLimits[field]}), not "${raw}"`,
      );
    else limits[field] = n;
  }
  return limits;
}
