// Flows: list, create, read (with ETag), save the draft (If-Match, 409 when someone else saved),
// validate, publish (immutable version + runtime notification), versions.
import { and, desc, eq, isNull, ne } from 'drizzle-orm';
import type { Hono } from 'hono';
import { z } from 'zod';
import { createFlow, publishFlowVersion, saveDraft, schema } from '@waflow/db';
import { validateFlow } from '@waflow/flow';
import { jsonBody } from '../../body.ts';
import type { AppEnv, Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { isUuid, requireRole, requireUser } from '../../middleware/auth.ts';

export const FLOW_PUBLISHED_CHANNEL = 'flow_published';

const emptyFlow = (name: string) => ({
  schemaVersion: 1,
  name,
  triggers: [{ type: 'any' }],
  variables: [],
  start: 'welcome',
  nodes: [{ id: 'welcome', type: 'end', message: 'Hello!' }],
});

const createBody = z.object({ name: z.string().trim().min(1, 'name the flow').max(120), config: z.record(z.string(), z.unknown()).optional() });
const publishBody = z.object({ changelog: z.string().trim().max(500).default('') });

export async function loadFlow(deps: Deps, workspaceId: string, id: string | undefined) {
  if (!isUuid(id)) throw notFound('The flow');
  const [flow] = await deps.client.db
    .select()
    .from(schema.flows)
    .where(and(eq(schema.flows.id, id), eq(schema.flows.workspaceId, workspaceId), isNull(schema.flows.deletedAt)));
  if (!flow) throw notFound('The flow');
  return flow;
}

function invalid(errors: unknown) {
  return new AppError(422, 'FLOW_INVALID', 'The flow has problems to fix before this: see details, each names the block and the field.', errors);
}

export function registerFlows(app: Hono<AppEnv>, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/flows';
  const user = requireUser(deps);

  app.get(base, user, requireRole(deps, 'flows.list'), async (c) => {
    const rows = await deps.client.db
      .select({ id: schema.flows.id, name: schema.flows.name, revision: schema.flows.draftRevision, publishedVersionId: schema.flows.publishedVersionId, updatedAt: schema.flows.updatedAt })
      .from(schema.flows)
      .where(and(eq(schema.flows.workspaceId, c.get('workspaceId')), isNull(schema.flows.deletedAt)))
      .orderBy(desc(schema.flows.updatedAt));
    return c.json({ items: rows, nextCursor: null });
  });

  app.post(base, user, requireRole(deps, 'flows.create'), async (c) => {
    const body = await jsonBody(c, createBody);
    const flow = await createFlow(deps.client.db, { workspaceId: c.get('workspaceId'), name: body.name, draft: body.config ?? emptyFlow(body.name) });
    c.header('ETag', `"${flow.draftRevision}"`);
    return c.json({ id: flow.id, name: flow.name, draft: flow.draft, revision: flow.draftRevision }, 201);
  });

  app.get(`${base}/:id`, user, requireRole(deps, 'flows.get'), async (c) => {
    const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
    c.header('ETag', `"${flow.draftRevision}"`);
    return c.json({ id: flow.id, name: flow.name, draft: flow.draft, revision: flow.draftRevision, publishedVersionId: flow.publishedVersionId });
  });

  app.put(`${base}/:id/draft`, user, requireRole(deps, 'flows.saveDraft'), async (c) => {
    const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
    const ifMatch = c.req.header('if-match');
    if (!ifMatch) throw new AppError(428, 'IF_MATCH_REQUIRED', 'Send the If-Match header with the ETag you loaded, so nobody\'s changes are overwritten.');
    const expected = Number(ifMatch.replace(/^W\//, '').replace(/"/g, ''));
    const draft = await jsonBody(c, z.record(z.string(), z.unknown()));
    const revision = Number.isInteger(expected) ? await saveDraft(deps.client.db, flow.id, draft, expected) : undefined;
    if (revision === undefined) {
      throw new AppError(409, 'DRAFT_CONFLICT', 'Someone else saved this flow after you opened it: reload to see their changes, then apply yours again.', { currentRevision: flow.draftRevision });
    }
    c.header('ETag', `"${revision}"`);
    // Drafts may be incomplete: they are saved as they are, with their problems listed.
    const v = validateFlow(draft);
    return c.json({ revision, errors: v.ok ? [] : v.errors });
  });

  app.post(`${base}/:id/validate`, user, requireRole(deps, 'flows.validate'), async (c) => {
    const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
    const v = validateFlow(flow.draft, { flowIds: await flowIds(deps, c.get('workspaceId')) });
    return c.json({ ok: v.ok, errors: v.errors });
  });

  app.post(`${base}/:id/publish`, user, requireRole(deps, 'flows.publish'), async (c) => {
    const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
    const body = await jsonBody(c, publishBody);
    const v = validateFlow(flow.draft, { flowIds: await flowIds(deps, c.get('workspaceId')) });
    if (!v.ok) throw invalid(v.errors);
    const version = await publishFlowVersion(deps.client.db, { flowId: flow.id, config: flow.draft, changelog: body.changelog, authorId: c.get('userId') });
    await deps.client.notify(FLOW_PUBLISHED_CHANNEL, JSON.stringify({ flowId: flow.id, versionId: version.id })).catch((err: unknown) => c.get('log').warn({ err }, 'publish notification failed'));
    return c.json({ id: version.id, version: version.version, checksum: version.checksum, publishedAt: version.publishedAt, changelog: version.changelog }, 201);
  });

  app.get(`${base}/:id/versions`, user, requireRole(deps, 'flows.versions'), async (c) => {
    const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
    const rows = await deps.client.db
      .select({ id: schema.flowVersions.id, version: schema.flowVersions.version, status: schema.flowVersions.status, changelog: schema.flowVersions.changelog, publishedAt: schema.flowVersions.publishedAt, checksum: schema.flowVersions.checksum })
      .from(schema.flowVersions)
      .where(and(eq(schema.flowVersions.flowId, flow.id), ne(schema.flowVersions.status, 'draft')))
      .orderBy(desc(schema.flowVersions.version));
    return c.json({ items: rows, nextCursor: null });
  });
}

async function flowIds(deps: Deps, workspaceId: string): Promise<string[]> {
  const rows = await deps.client.db.select({ id: schema.flows.id }).from(schema.flows).where(and(eq(schema.flows.workspaceId, workspaceId), isNull(schema.flows.deletedAt)));
  return rows.map((r) => r.id);
}
