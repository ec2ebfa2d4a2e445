// GET …/flows/:id/versions, …/versions/:version and …/diff: the published versions of a flow,
// one with its config, and what changed between two.
import { and, desc, eq, ne } from 'drizzle-orm';
import { z } from 'zod/v4';
import { schema } from '@waflow/db';
import { diffFlows } from '@waflow/flow';
import type { Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { RouteFn } from '../../routing/route.ts';
import { MAX_INT4 } from '../../routing/params.ts';
import { loadFlow, loadVersionNumber } from './load-flow.ts';
import { base, diffQuery, tag, versionSummary } from './schema.ts';

export function registerVersions(route: RouteFn, deps: Deps): void {
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
}
