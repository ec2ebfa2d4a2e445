// POST …/flows and POST …/flows/import: a new flow, blank or from a config, or an exported one.
import { createFlow } from '@waflow/db';
import { validateFlow } from '@waflow/flow';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import type { RouteFn } from '../../routing/route.ts';
import { refuseOversizedFlow } from './flow-size.ts';
import { validationContext } from './validation-context.ts';
import { base, createBody, importBody, tag } from './schema.ts';

const emptyFlow = (name: string, timezone: string | undefined) => ({
  schemaVersion: 1,
  name,
  triggers: [{ type: 'any' }],
  variables: [],
  ...(timezone ? { settings: { timezone } } : {}),
  start: 'welcome',
  nodes: [{ id: 'welcome', type: 'end', message: 'Hello!' }],
});

export function registerCreateFlow(route: RouteFn, deps: Deps): void {
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
}
