// Flows, drafts and published versions — including the loader the runtime uses to find the
// version a number serves (the same function the API's publish is tested against).
import { createHash } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { flowVersions, flows, numbers } from '../schema/index.ts';

/** JSON with sorted keys: the same config always gives the same checksum. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function configChecksum(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

export async function createFlow(
  db: Database,
  input: { workspaceId: string; name: string; draft: Record<string, unknown> },
) {
  const [row] = await db.insert(flows).values(input).returning();
  if (!row) throw new Error('flow insert returned nothing');
  return row;
}

/** Saves a draft if nobody saved since `expectedRevision`; returns the new revision, or undefined on a conflict. */
export async function saveDraft(
  db: Database,
  flowId: string,
  draft: Record<string, unknown>,
  expectedRevision: number,
) {
  const [row] = await db
    .update(flows)
    .set({ draft, draftRevision: sql`${flows.draftRevision} + 1`, updatedAt: new Date() })
    .where(
      and(eq(flows.id, flowId), eq(flows.draftRevision, expectedRevision), isNull(flows.deletedAt)),
    )
    .returning({ revision: flows.draftRevision });
  return row?.revision;
}

/**
 * Publishes `config` as the flow's next version (immutable from then on) and points the flow at
 * it, in one transaction. The caller validates the config first.
 */
export async function publishFlowVersion(
  db: Database,
  input: {
    flowId: string;
    config: Record<string, unknown>;
    changelog?: string;
    authorId?: string | null;
  },
) {
  return db.transaction(async (tx) => {
    // Serialise publishes of one flow: the version numbers stay gapless and unique.
    await tx.execute(sql`select id from ${flows} where ${flows.id} = ${input.flowId} for update`);
    const [last] = await tx
      .select({ version: flowVersions.version })
      .from(flowVersions)
      .where(eq(flowVersions.flowId, input.flowId))
      .orderBy(desc(flowVersions.version))
      .limit(1);
    const [version] = await tx
      .insert(flowVersions)
      .values({
        flowId: input.flowId,
        version: (last?.version ?? 0) + 1,
        config: input.config,
        status: 'published',
        checksum: configChecksum(input.config),
        changelog: input.changelog ?? '',
        authorId: input.authorId ?? null,
        publishedAt: new Date(),
      })
      .returning();
    if (!version) throw new Error('flow version insert returned nothing');
    await tx
      .update(flows)
      .set({ publishedVersionId: version.id, updatedAt: new Date() })
      .where(eq(flows.id, input.flowId));
    return version;
  });
}

/**
 * The published version a flow of `workspaceId` serves now, or undefined when it was never
 * published or belongs to another workspace: every flow load is scoped to the workspace that
 * runs it (a sub-flow id in a config is data, and must never reach another workspace's flow).
 */
export async function loadPublishedVersion(db: Database, workspaceId: string, flowId: string) {
  const [row] = await db
    .select({ version: flowVersions })
    .from(flows)
    .innerJoin(flowVersions, eq(flowVersions.id, flows.publishedVersionId))
    .where(and(eq(flows.id, flowId), eq(flows.workspaceId, workspaceId), isNull(flows.deletedAt)));
  return row?.version;
}

/** A draft snapshot (the simulator runs it like a version; never numbered, never published). */
export async function snapshotDraft(
  db: Database,
  input: { flowId: string; config: Record<string, unknown>; authorId?: string | null },
) {
  const [row] = await db
    .insert(flowVersions)
    .values({
      flowId: input.flowId,
      version: 0,
      config: input.config,
      status: 'draft',
      checksum: configChecksum(input.config),
      authorId: input.authorId ?? null,
    })
    .returning();
  if (!row) throw new Error('draft snapshot insert returned nothing');
  return row;
}

/**
 * The version a number serves for a new conversation: its pinned snapshot (simulator numbers),
 * else the published version of its bound flow.
 */
export async function loadPublishedVersionForNumber(db: Database, numberId: string) {
  // Both joins keep to the number's own workspace's flows.
  const [pinned] = await db
    .select({ version: flowVersions })
    .from(numbers)
    .innerJoin(flowVersions, eq(flowVersions.id, numbers.pinnedVersionId))
    .innerJoin(
      flows,
      and(eq(flows.id, flowVersions.flowId), eq(flows.workspaceId, numbers.workspaceId)),
    )
    .where(eq(numbers.id, numberId));
  if (pinned) return pinned.version;
  const [row] = await db
    .select({ version: flowVersions })
    .from(numbers)
    .innerJoin(flows, and(eq(flows.id, numbers.flowId), eq(flows.workspaceId, numbers.workspaceId)))
    .innerJoin(flowVersions, eq(flowVersions.id, flows.publishedVersionId))
    .where(and(eq(numbers.id, numberId), isNull(flows.deletedAt)));
  return row?.version;
}

/** A version of a flow of `workspaceId` (any status), or undefined when it is another workspace's. */
export async function loadVersion(db: Database, workspaceId: string, versionId: string) {
  const [row] = await db
    .select({ version: flowVersions })
    .from(flowVersions)
    .innerJoin(flows, eq(flows.id, flowVersions.flowId))
    .where(and(eq(flowVersions.id, versionId), eq(flows.workspaceId, workspaceId)));
  return row?.version;
}
