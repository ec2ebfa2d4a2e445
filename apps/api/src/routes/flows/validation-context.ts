// What the validator needs to know of this workspace and this deployment: the flows a sub-flow
// block may call, the contact attributes a flow may read and save, and the operator's egress policy (an http block calling a literal internal
// address is warned about unless WAFLOW_EGRESS_ALLOW_* allows it).
import { and, eq, isNull } from 'drizzle-orm';
import { attributeTypes, schema } from '@waflow/db';
import { defaultEgressPolicy, refusedLiteral } from '@waflow/egress';
import type { ValidateContext } from '@waflow/flow';
import type { Deps } from '../../context.ts';

/** The ids of the workspace's flows: the only flows its sub-flow blocks may call. */
export async function flowIds(deps: Deps, workspaceId: string): Promise<string[]> {
  const rows = await deps.client.db
    .select({ id: schema.flows.id })
    .from(schema.flows)
    .where(and(eq(schema.flows.workspaceId, workspaceId), isNull(schema.flows.deletedAt)));
  return rows.map((r) => r.id);
}

/** The egress check alone (a draft save: no sub-flow lookup). */
export function egressContext(deps: Deps): ValidateContext {
  const policy = deps.egressPolicy ?? defaultEgressPolicy;
  return { refusedHost: (host) => refusedLiteral(host, policy) };
}

export async function validationContext(deps: Deps, workspaceId: string): Promise<ValidateContext> {
  const [ids, attributes] = await Promise.all([
    flowIds(deps, workspaceId),
    attributeTypes(deps.client.db, workspaceId),
  ]);
  return { ...egressContext(deps), flowIds: ids, contactAttributes: new Set(attributes.keys()) };
}
