// Reads a workspace's flow (not deleted) and a published version of it, refused as not found.
import { and, eq, isNull, ne } from 'drizzle-orm';
import { schema, type Database } from '@waflow/db';
import type { Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';

export async function loadFlow(deps: Deps, workspaceId: string, id: string | undefined) {
  if (!isUuid(id)) throw notFound('The flow');
  const [flow] = await deps.client.db
    .select()
    .from(schema.flows)
    .where(
      and(
        eq(schema.flows.id, id),
        eq(schema.flows.workspaceId, workspaceId),
        isNull(schema.flows.deletedAt),
      ),
    );
  if (!flow) throw notFound('The flow');
  return flow;
}

export async function loadVersionNumber(db: Database, flowId: string, version: number) {
  const [row] = await db
    .select()
    .from(schema.flowVersions)
    .where(
      and(
        eq(schema.flowVersions.flowId, flowId),
        eq(schema.flowVersions.version, version),
        ne(schema.flowVersions.status, 'draft'),
      ),
    );
  if (!row)
    throw new AppError(
      404,
      'NOT_FOUND',
      `Version ${version} of this flow does not exist: see the versions list.`,
    );
  return row;
}
