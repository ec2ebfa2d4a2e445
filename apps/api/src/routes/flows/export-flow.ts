// GET …/flows/:id/export: the draft as a JSON file, to import into any workspace.
import type { Deps } from '../../context.ts';
import type { RouteFn } from '../../routing/route.ts';
import { loadFlow } from './load-flow.ts';
import { base, tag } from './schema.ts';

export function registerExportFlow(route: RouteFn, deps: Deps): void {
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
