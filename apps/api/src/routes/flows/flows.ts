// Flows: list, create, read (with ETag), rename, delete, save the draft (If-Match, 409 when
// someone else saved), validate, publish (immutable version + runtime notification), versions,
// diff of two versions, rollback (an old version published as a new one), import and export.
import { and, desc, eq, isNull, ne } from 'drizzle-orm';
import { z } from 'zod/v4';
import {
  createFlow,
  enqueueWebhookEvent,
  FLOW_PUBLISHED_CHANNEL,
  publishFlowVersion,
  saveDraft,
  schema,
  type Database,
} from '@waflow/db';
import { diffFlows, isTimeZone, validateFlow } from '@waflow/flow';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import { pageQuery, type RouteFn } from '../../routing/route.ts';
import { MAX_INT4, versionNumber } from '../../routing/params.ts';
import { afterCursor, pageOf } from '../../routing/cursor.ts';
import { refuseOversizedFlow } from './flow-size.ts';
import { egressContext, validationContext } from './validation-context.ts';
import type { Context } from 'hono';
import type { AppEnv } from '../../context.ts';

const emptyFlow = (name: string, timezone: string | undefined) => ({
  schemaVersion: 1,
  name,
  triggers: [{ type: 'any' }],
  variables: [],
  ...(timezone ? { settings: { timezone } } : {}),
  start: 'welcome',
  nodes: [{ id: 'welcome', type: 'end', message: 'Hello!' }],
});

const config = z
  .record(z.string(), z.unknown())
  .describe('A flow config (schemas/flow.schema.json).');
const createBody = z.object({
  name: z.string().trim().min(1, 'name the flow').max(120),
  config: config.optional(),
  /** The time zone of a new blank flow's `now` (the web app sends the browser's). */
  timezone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'timezone is a time zone name like Europe/Madrid')
    .optional(),
});
const importBody = z.object({
  name: z.string().trim().min(1, 'name the imported flow').max(120),
  config,
});
const renameBody = z.object({ name: z.string().trim().min(1, 'name the flow').max(120) });
const publishBody = z.object({
  changelog: z.string().trim().max(500, 'keep the changelog under 500 characters').default(''),
});
const rollbackBody = z.object({
  version: versionNumber('version'),
  changelog: z.string().trim().max(500).optional(),
});
const diffQuery = z.object({ from: versionNumber('from', true), to: versionNumber('to', true) });

const flowSummary = z.object({
  id: z.string(),
  name: z.string(),
  revision: z.number(),
  publishedVersionId: z.string().nullable(),
  updatedAt: z.date(),
});
const versionSummary = z.object({
  id: z.string(),
  version: z.number(),
  status: z.string(),
  changelog: z.string(),
  publishedAt: z.date().nullable(),
  checksum: z.string(),
});
const problem = z.object({
  code: z.string(),
  nodeId: z.string().optional(),
  field: z.string().optional(),
  message: z.string(),
});
const validationResult = z.object({
  ok: z.boolean(),
  errors: z.array(problem),
  /** Worth fixing, but they do not stop a publish (an http block calling a literal internal address). */
  warnings: z.array(problem),
});

/** The draft text last served per flow, with its revision (a bounded, per-process copy). */
const draftTexts = new Map<string, { revision: number; text: string }>();
const MAX_DRAFT_TEXTS = 500;

function rememberDraft(flowId: string, revision: number, text: string): void {
  draftTexts.delete(flowId);
  if (draftTexts.size >= MAX_DRAFT_TEXTS) draftTexts.delete(draftTexts.keys().next().value ?? '');
  draftTexts.set(flowId, { revision, text });
}

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

async function loadVersionNumber(db: Database, flowId: string, version: number) {
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

function invalid(errors: unknown) {
  return new AppError(
    422,
    'FLOW_INVALID',
    'The flow has problems to fix before this: see details, each names the block and the field.',
    errors,
  );
}

/** Validates and publishes `cfg` as the flow's next version, audits it and tells the runtime. */
async function publish(
  c: Context<AppEnv>,
  deps: Deps,
  flowId: string,
  cfg: Record<string, unknown>,
  changelog: string,
) {
  refuseOversizedFlow(deps, cfg);
  const v = validateFlow(cfg, await validationContext(deps, c.get('workspaceId')));
  if (!v.ok) throw invalid(v.errors);
  const version = await publishFlowVersion(deps.client.db, {
    flowId,
    config: cfg,
    changelog,
    authorId: c.get('userId'),
  });
  await deps.client.db.transaction(async (tx) => {
    await audit(c, tx, {
      action: 'flow.publish',
      entityType: 'flow',
      entityId: flowId,
      after: { version: version.version, changelog, checksum: version.checksum },
    });
    await enqueueWebhookEvent(tx, {
      id: `evt_published_${version.id}`,
      type: 'flow.published',
      workspaceId: c.get('workspaceId'),
      occurredAt: version.publishedAt ?? new Date(),
      data: { flowId, versionId: version.id, version: version.version, changelog },
    });
  });
  await deps.client
    .notify(FLOW_PUBLISHED_CHANNEL, JSON.stringify({ flowId, versionId: version.id }))
    .catch((err: unknown) => c.get('log').warn({ err }, 'publish notification failed'));
  return c.json(
    {
      id: version.id,
      version: version.version,
      checksum: version.checksum,
      publishedAt: version.publishedAt,
      changelog: version.changelog,
      // What does not stop a publish but may not work as drawn (a literal internal address).
      warnings: v.warnings,
    },
    201,
  );
}

/**
 * The draft revision an If-Match names: its ETag as the read answered it (`"12"`; weak `W/"12"`
 * and a bare `12` are taken too). `*` would save over anyone's changes, so drafts refuse it (412);
 * anything else is no ETag of ours (400). Both messages say what to send.
 */
export function draftRevisionOf(ifMatch: string): number {
  const value = ifMatch.trim();
  const where = 'the ETag header of GET /api/v1/workspaces/:ws/flows/:id';
  if (value === '*')
    throw new AppError(
      412,
      'IF_MATCH_ANY_UNSUPPORTED',
      `If-Match: * is not accepted for drafts, as it would save over anyone's changes: send the ETag the flow was read with (${where}), like "12".`,
    );
  const m = /^(?:W\/)?"(\d{1,15})"$|^(\d{1,15})$/.exec(value);
  const digits = m?.[1] ?? m?.[2];
  if (digits === undefined)
    throw new AppError(
      400,
      'IF_MATCH_INVALID',
      `If-Match must be the ETag the flow was read with (${where}): a revision number in double quotes, like "12". Got ${JSON.stringify(value.slice(0, 60))}.`,
    );
  return Number(digits);
}

export function registerFlows(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/flows';
  const tag = 'Flows';

  route({
    method: 'get',
    path: base,
    access: 'flows.list',
    tag,
    summary: 'List flows, most recently changed first',
    query: pageQuery,
    responses: [
      {
        status: 200,
        description: 'A page of flows',
        schema: z.object({ items: z.array(flowSummary), nextCursor: z.string().nullable() }),
      },
    ],
    handler: async (c, { query }) => {
      const rows = await deps.client.db
        .select({
          id: schema.flows.id,
          name: schema.flows.name,
          revision: schema.flows.draftRevision,
          publishedVersionId: schema.flows.publishedVersionId,
          updatedAt: schema.flows.updatedAt,
        })
        .from(schema.flows)
        .where(
          and(
            eq(schema.flows.workspaceId, c.get('workspaceId')),
            isNull(schema.flows.deletedAt),
            afterCursor(query.cursor, schema.flows.updatedAt, schema.flows.id),
          ),
        )
        .orderBy(desc(schema.flows.updatedAt), desc(schema.flows.id))
        .limit(query.limit + 1);
      return c.json(pageOf(rows, query.limit, (r) => ({ at: r.updatedAt, id: r.id })));
    },
  });

  route({
    method: 'post',
    path: base,
    access: 'flows.create',
    tag,
    summary: 'Create a flow (an empty one unless a config is given)',
    body: createBody,
    responses: [
      { status: 201, description: 'The new flow with its draft; ETag carries the revision' },
    ],
    handler: async (c, { body }) => {
      if (body.config) refuseOversizedFlow(deps, body.config);
      const flow = await createFlow(deps.client.db, {
        workspaceId: c.get('workspaceId'),
        name: body.name,
        draft: body.config ?? emptyFlow(body.name, body.timezone),
      });
      await audit(c, deps.client.db, {
        action: 'flow.create',
        entityType: 'flow',
        entityId: flow.id,
        after: { name: flow.name },
      });
      c.header('ETag', `"${flow.draftRevision}"`);
      return c.json(
        {
          id: flow.id,
          name: flow.name,
          draft: flow.draft,
          revision: flow.draftRevision,
          publishedVersionId: null,
        },
        201,
      );
    },
  });

  route({
    method: 'post',
    path: `${base}/import`,
    access: 'flows.import',
    tag,
    summary:
      'Import a flow from exported JSON (saved as a draft; invalid configs are accepted with their problems listed)',
    body: importBody,
    handler: async (c, { body }) => {
      refuseOversizedFlow(deps, body.config);
      const flow = await createFlow(deps.client.db, {
        workspaceId: c.get('workspaceId'),
        name: body.name,
        draft: body.config,
      });
      await audit(c, deps.client.db, {
        action: 'flow.import',
        entityType: 'flow',
        entityId: flow.id,
        after: { name: flow.name },
      });
      const v = validateFlow(body.config, await validationContext(deps, c.get('workspaceId')));
      c.header('ETag', `"${flow.draftRevision}"`);
      return c.json(
        {
          id: flow.id,
          name: flow.name,
          draft: flow.draft,
          revision: flow.draftRevision,
          errors: v.ok ? [] : v.errors,
          warnings: v.warnings,
        },
        201,
      );
    },
  });

  route({
    method: 'get',
    path: `${base}/:id`,
    access: 'flows.get',
    tag,
    summary: 'Read a flow and its draft; ETag carries the draft revision for If-Match',
    handler: async (c) => {
      // The builder's hottest read: the draft goes from Postgres's JSON text into the response
      // as it is (no parse and re-serialise of a possibly large document), and Postgres renders
      // that text only when the draft changed since this process last served it (its revision
      // goes up on every save, so the copy kept here is exact).
      const id = c.req.param('id');
      if (!isUuid(id)) throw notFound('The flow');
      const known = draftTexts.get(id);
      const [row] = await deps.client.query<{
        id: string;
        name: string;
        draft: string | null;
        revision: number;
        published_version_id: string | null;
      }>(
        'select id, name, case when draft_revision = $3 then null else draft::text end as draft, draft_revision as revision, published_version_id from flows where id = $1 and workspace_id = $2 and deleted_at is null',
        [id, c.get('workspaceId'), known?.revision ?? -1],
      );
      const draft = row
        ? (row.draft ?? (known && Number(row.revision) === known.revision ? known.text : undefined))
        : undefined;
      const flow = row && draft !== undefined ? { ...row, draft } : undefined;
      if (row && row.draft !== null) rememberDraft(id, Number(row.revision), row.draft);
      if (!flow) throw notFound('The flow');
      c.header('ETag', `"${flow.revision}"`);
      c.header('Content-Type', 'application/json');
      return c.body(
        `{"id":${JSON.stringify(flow.id)},"name":${JSON.stringify(flow.name)},"draft":${flow.draft},"revision":${Number(flow.revision)},"publishedVersionId":${JSON.stringify(flow.published_version_id)}}`,
      );
    },
  });

  route({
    method: 'patch',
    path: `${base}/:id`,
    access: 'flows.rename',
    tag,
    summary: 'Rename a flow',
    body: renameBody,
    handler: async (c, { body }) => {
      const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
      await deps.client.db
        .update(schema.flows)
        .set({ name: body.name, updatedAt: new Date() })
        .where(eq(schema.flows.id, flow.id));
      await audit(c, deps.client.db, {
        action: 'flow.rename',
        entityType: 'flow',
        entityId: flow.id,
        before: { name: flow.name },
        after: { name: body.name },
      });
      return c.json({ id: flow.id, name: body.name });
    },
  });

  route({
    method: 'delete',
    path: `${base}/:id`,
    access: 'flows.delete',
    tag,
    summary: 'Delete a flow (numbers bound to it stop answering until given another flow)',
    handler: async (c) => {
      const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
      await deps.client.db.transaction(async (tx) => {
        await tx
          .update(schema.flows)
          .set({ deletedAt: new Date() })
          .where(eq(schema.flows.id, flow.id));
        await tx
          .update(schema.numbers)
          .set({ flowId: null })
          .where(and(eq(schema.numbers.flowId, flow.id), isNull(schema.numbers.pinnedVersionId)));
        await audit(c, tx, {
          action: 'flow.delete',
          entityType: 'flow',
          entityId: flow.id,
          before: { name: flow.name },
        });
      });
      return c.body(null, 204);
    },
  });

  route({
    method: 'put',
    path: `${base}/:id/draft`,
    access: 'flows.saveDraft',
    tag,
    summary:
      'Save the draft (optimistic concurrency: If-Match with the ETag you loaded; 409 DRAFT_CONFLICT when someone else saved, 400 IF_MATCH_INVALID for what is no ETag of ours, 412 for If-Match: *; 422 FLOW_TOO_LARGE, nothing saved, past WAFLOW_MAX_FLOW_BLOCKS blocks)',
    headers: {
      'If-Match': {
        description: 'The ETag (draft revision) the draft was loaded with, e.g. "12"; * is refused',
        required: true,
      },
    },
    body: config,
    responses: [
      {
        status: 200,
        description: "Saved: the new revision (also in ETag) and the draft's current problems",
        schema: z.object({
          revision: z.number(),
          errors: validationResult.shape.errors,
          warnings: validationResult.shape.warnings,
        }),
      },
    ],
    handler: async (c, { body: draft }) => {
      const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
      const ifMatch = c.req.header('if-match');
      if (!ifMatch)
        throw new AppError(
          428,
          'IF_MATCH_REQUIRED',
          "Send the If-Match header with the ETag you loaded, so nobody's changes are overwritten.",
        );
      const expected = draftRevisionOf(ifMatch);
      refuseOversizedFlow(deps, draft);
      const revision = await saveDraft(deps.client.db, flow.id, draft, expected);
      if (revision === undefined) {
        throw new AppError(
          409,
          'DRAFT_CONFLICT',
          'Someone else saved this flow after you opened it: reload to see their changes, then apply yours again.',
          { currentRevision: flow.draftRevision },
        );
      }
      c.header('ETag', `"${revision}"`);
      // Drafts may be incomplete: they are saved as they are, with their problems listed.
      const v = validateFlow(draft, egressContext(deps));
      return c.json({ revision, errors: v.ok ? [] : v.errors, warnings: v.warnings });
    },
  });

  route({
    method: 'post',
    path: `${base}/:id/validate`,
    access: 'flows.validate',
    tag,
    summary: 'Validate the draft: every problem names its block and field in plain words',
    responses: [{ status: 200, description: 'The problems, if any', schema: validationResult }],
    handler: async (c) => {
      const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
      const v = validateFlow(flow.draft, await validationContext(deps, c.get('workspaceId')));
      return c.json({ ok: v.ok, errors: v.errors, warnings: v.warnings });
    },
  });

  route({
    method: 'post',
    path: `${base}/:id/publish`,
    access: 'flows.publish',
    tag,
    summary:
      'Publish the draft as a new immutable version (422 FLOW_INVALID with the problems when it has any)',
    body: publishBody,
    handler: async (c, { body }) => {
      const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
      return publish(c, deps, flow.id, flow.draft, body.changelog);
    },
  });

  route({
    method: 'post',
    path: `${base}/:id/rollback`,
    access: 'flows.rollback',
    tag,
    summary:
      'Roll back: publish an old version again as a new version (the draft is left as it is)',
    body: rollbackBody,
    handler: async (c, { body }) => {
      const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
      const old = await loadVersionNumber(deps.client.db, flow.id, body.version);
      return publish(
        c,
        deps,
        flow.id,
        old.config,
        body.changelog ?? `Rollback to version ${old.version}`,
      );
    },
  });

  route({
    method: 'get',
    path: `${base}/:id/versions`,
    access: 'flows.versions',
    tag,
    summary: 'List published versions, newest first',
    responses: [
      {
        status: 200,
        description: 'The versions',
        schema: z.object({ items: z.array(versionSummary), nextCursor: z.null() }),
      },
    ],
    handler: async (c) => {
      const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
      const rows = await deps.client.db
        .select({
          id: schema.flowVersions.id,
          version: schema.flowVersions.version,
          status: schema.flowVersions.status,
          changelog: schema.flowVersions.changelog,
          publishedAt: schema.flowVersions.publishedAt,
          checksum: schema.flowVersions.checksum,
        })
        .from(schema.flowVersions)
        .where(
          and(eq(schema.flowVersions.flowId, flow.id), ne(schema.flowVersions.status, 'draft')),
        )
        .orderBy(desc(schema.flowVersions.version));
      return c.json({ items: rows, nextCursor: null });
    },
  });

  route({
    method: 'get',
    path: `${base}/:id/versions/:version`,
    access: 'flows.versions',
    tag,
    summary: 'Read one published version with its config',
    handler: async (c) => {
      const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
      const n = Number(c.req.param('version'));
      if (!Number.isInteger(n) || n < 1 || n > MAX_INT4)
        throw new AppError(
          400,
          'INVALID_REQUEST',
          `The version is a whole number from 1 to ${MAX_INT4}.`,
        );
      const v = await loadVersionNumber(deps.client.db, flow.id, n);
      return c.json({
        id: v.id,
        version: v.version,
        status: v.status,
        changelog: v.changelog,
        publishedAt: v.publishedAt,
        checksum: v.checksum,
        config: v.config,
      });
    },
  });

  route({
    method: 'get',
    path: `${base}/:id/diff`,
    access: 'flows.versions',
    tag,
    summary: 'What changed between two versions: blocks, triggers, variables, settings',
    query: diffQuery,
    handler: async (c, { query }) => {
      const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
      const [a, b] = await Promise.all([
        loadVersionNumber(deps.client.db, flow.id, query.from),
        loadVersionNumber(deps.client.db, flow.id, query.to),
      ]);
      return c.json({ from: a.version, to: b.version, ...diffFlows(a.config, b.config) });
    },
  });

  route({
    method: 'get',
    path: `${base}/:id/export`,
    access: 'flows.get',
    tag,
    summary: 'Export the draft as a JSON file (import it into any workspace)',
    responses: [{ status: 200, description: 'The flow config', contentType: 'application/json' }],
    handler: async (c) => {
      const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
      const file = flow.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'flow';
      c.header('Content-Disposition', `attachment; filename="${file}.flow.json"`);
      return c.json({ name: flow.name, config: flow.draft });
    },
  });
}
