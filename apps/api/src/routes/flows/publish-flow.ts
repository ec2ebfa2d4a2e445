// POST …/flows/:id/publish publishes the draft as an immutable version and tells the runtime;
// POST …/flows/:id/rollback publishes an old version again as a new one.
import type { Context } from 'hono';
import { enqueueWebhookEvent, FLOW_PUBLISHED_CHANNEL, publishFlowVersion } from '@waflow/db';
import { validateFlow } from '@waflow/flow';
import { audit } from '../../audit.ts';
import type { AppEnv, Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { RouteFn } from '../../routing/route.ts';
import { refuseOversizedFlow } from './flow-size.ts';
import { loadFlow, loadVersionNumber } from './load-flow.ts';
import { validationContext } from './validation-context.ts';
import { base, publishBody, rollbackBody, tag } from './schema.ts';

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

export function registerPublishFlow(route: RouteFn, deps: Deps): void {
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
}
