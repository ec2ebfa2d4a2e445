// The analytics routes: the Overview figures and a flow's block figures (the builder's overlay),
// each also as CSV — for the web app under the workspace (registerAnalytics) and for integrators
// with an API key (integrations/read-analytics.ts), the same answers at both places.
import type { Deps } from '../../context.ts';
import type { Access, RouteFn } from '../../routing/route.ts';
import { blockFigures, blocksCsv, csvResponse, overview, overviewCsv } from './figures.ts';
import { blocksQuery, overviewQuery } from './schema.ts';

export function analyticsRoutes(
  route: RouteFn,
  deps: Deps,
  at: { base: string; access: Access; tag: string },
): void {
  const { base, access, tag } = at;
  const csvResponses = [{ status: 200, description: 'text/csv', contentType: 'text/csv' }];

  route({
    method: 'get',
    path: `${base}/overview`,
    access,
    tag,
    summary:
      'Per day in the workspace time zone: messages, conversations, completion, handoffs, reply time, failed sends; numbers and failing webhooks',
    query: overviewQuery,
    handler: async (c, { query }) => c.json(await overview(deps, c.get('workspaceId'), query)),
  });
  route({
    method: 'get',
    path: `${base}/overview.csv`,
    access,
    tag,
    summary: 'The Overview figures per day as a CSV file',
    query: overviewQuery,
    responses: csvResponses,
    handler: async (c, { query }) =>
      csvResponse(overviewCsv(await overview(deps, c.get('workspaceId'), query)), 'overview'),
  });
  route({
    method: 'get',
    path: `${base}/flows/:flowId/blocks`,
    access,
    tag,
    summary:
      'Per block of a flow: conversations that reached it, left it by each way out, stopped there, median time; edges by traffic',
    query: blocksQuery,
    handler: async (c, { query }) =>
      c.json(await blockFigures(deps, c.get('workspaceId'), c.req.param('flowId'), query)),
  });
  route({
    method: 'get',
    path: `${base}/flows/:flowId/blocks.csv`,
    access,
    tag,
    summary: 'The block figures of a flow as a CSV file',
    query: blocksQuery,
    responses: csvResponses,
    handler: async (c, { query }) =>
      csvResponse(
        blocksCsv(await blockFigures(deps, c.get('workspaceId'), c.req.param('flowId'), query)),
        'blocks',
      ),
  });
}

export function registerAnalytics(route: RouteFn, deps: Deps): void {
  analyticsRoutes(route, deps, {
    base: '/api/v1/workspaces/:ws/analytics',
    access: 'analytics.view',
    tag: 'Analytics',
  });
}
