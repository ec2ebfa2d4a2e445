// What the webhook routes share: the URL checked against the egress policy, and an endpoint of
// the caller's workspace (404 otherwise).
import { and, eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { checkDestination, defaultEgressPolicy, EgressError } from '@waflow/egress';
import type { Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import { endpointColumns } from './schema.ts';

export async function checkUrl(deps: Deps, raw: string): Promise<void> {
  try {
    await checkDestination(raw, deps.egressPolicy ?? defaultEgressPolicy);
  } catch (err) {
    if (err instanceof EgressError) throw new AppError(422, 'URL_NOT_ALLOWED', err.message);
    throw err;
  }
}

export async function loadEndpoint(deps: Deps, workspaceId: string, id: string | undefined) {
  if (!isUuid(id)) throw notFound('The webhook endpoint');
  const [row] = await deps.client.db
    .select(endpointColumns)
    .from(schema.webhookEndpoints)
    .where(
      and(eq(schema.webhookEndpoints.id, id), eq(schema.webhookEndpoints.workspaceId, workspaceId)),
    );
  if (!row) throw notFound('The webhook endpoint');
  return row;
}
