// Campaigns: list, create (draft, scheduled or started), read with counts, the chart and
// failures, move through the lifecycle, and read or export the recipients. The same routes serve
// the team (/api/v1/workspaces/:ws/campaigns, by role) and integrators
// (/api/v1/integrations/campaigns, with an API key of the workspace).
import { stream } from 'hono/streaming';
import { z } from 'zod/v4';
import type { Deps } from '../../context.ts';
import { notFound } from '../../errors.ts';
import type { Access, RouteFn } from '../../routing/route.ts';
import { audit } from '../../audit.ts';
import { actOnCampaign, campaignViews, createCampaign } from './campaign-store.ts';
import { failureReasons, recipientPage, recipientsCsv, sendSeries } from './campaign-reads.ts';
import {
  campaignDetail,
  campaignView,
  createBody,
  recipientView,
  recipientsQuery,
  scheduleBody,
} from './schema.ts';

export const CAMPAIGN_ACTIONS = ['start', 'pause', 'resume', 'cancel'] as const;

type Need = 'list' | 'get' | 'create' | 'manage';

interface Audience {
  base: string;
  tag: string;
  access: (need: Need) => Access;
}

const TEAM: Audience = {
  base: '/api/v1/workspaces/:ws/campaigns',
  tag: 'Campaigns',
  access: (need) => `campaigns.${need}`,
};
const INTEGRATORS: Audience = {
  base: '/api/v1/integrations/campaigns',
  tag: 'Integrations',
  access: () => 'apiKey',
};

export function registerCampaigns(route: RouteFn, deps: Deps): void {
  registerFor(route, deps, TEAM);
  registerFor(route, deps, INTEGRATORS);
}

function registerFor(route: RouteFn, deps: Deps, who: Audience): void {
  const { base, tag } = who;

  const detail = async (ws: string, id: string) => {
    const [view] = await campaignViews(deps, ws, id);
    if (!view) throw notFound('The campaign');
    return {
      ...view,
      series: await sendSeries(deps.client.db, id),
      failures: await failureReasons(deps.client.db, id),
    };
  };

  route({
    method: 'get',
    path: base,
    access: who.access('list'),
    tag,
    summary: 'The workspace’s campaigns, newest first, with their counts by recipient status',
    responses: [
      { status: 200, description: 'Campaigns', schema: z.object({ items: z.array(campaignView) }) },
    ],
    handler: async (c) => c.json({ items: await campaignViews(deps, c.get('workspaceId')) }),
  });

  route({
    method: 'post',
    path: base,
    access: who.access('create'),
    tag,
    summary:
      'Create a campaign: a draft, scheduled (sendAt, local time in the workspace time zone) or started now (start: true)',
    description:
      'Errors: 422 CAMPAIGN_INVALID (details.problems says each thing to change). WhatsApp Web numbers are paced slowly by default; the answer carries the ban warning.',
    body: createBody,
    responses: [{ status: 201, description: 'The campaign', schema: campaignDetail }],
    handler: async (c, { body }) => {
      const ws = c.get('workspaceId');
      const id = await createCampaign(deps, ws, c.get('userId') ?? null, body);
      await audit(c, deps.client.db, {
        action: 'campaign.create',
        entityType: 'campaign',
        entityId: id,
        after: { name: body.name, numberIds: body.numberIds, sendAt: body.sendAt ?? null },
      });
      return c.json(await detail(ws, id), 201);
    },
  });

  route({
    method: 'get',
    path: `${base}/:id`,
    access: who.access('get'),
    tag,
    summary: 'A campaign with its counts, sends per minute and failures by reason',
    responses: [{ status: 200, description: 'The campaign', schema: campaignDetail }],
    handler: async (c) => c.json(await detail(c.get('workspaceId'), c.req.param('id') ?? '')),
  });

  route({
    method: 'post',
    path: `${base}/:id/schedule`,
    access: who.access('manage'),
    tag,
    summary: 'Schedule a draft (or move a scheduled campaign) to a local date and time',
    body: scheduleBody,
    responses: [{ status: 200, description: 'The campaign', schema: campaignDetail }],
    handler: async (c, { body }) => {
      const ws = c.get('workspaceId');
      const id = c.req.param('id') ?? '';
      await actOnCampaign(deps, ws, id, 'schedule', body.sendAt);
      await audit(c, deps.client.db, {
        action: 'campaign.schedule',
        entityType: 'campaign',
        entityId: id,
        after: body,
      });
      return c.json(await detail(ws, id));
    },
  });

  for (const action of CAMPAIGN_ACTIONS)
    route({
      method: 'post',
      path: `${base}/:id/${action}`,
      access: who.access('manage'),
      tag,
      summary: `${action[0]?.toUpperCase()}${action.slice(1)} the campaign`,
      description: 'Errors: 409 CAMPAIGN_TRANSITION_REFUSED says why and what to do instead.',
      responses: [{ status: 200, description: 'The campaign', schema: campaignDetail }],
      handler: async (c) => {
        const ws = c.get('workspaceId');
        const id = c.req.param('id') ?? '';
        await actOnCampaign(deps, ws, id, action);
        await audit(c, deps.client.db, {
          action: `campaign.${action}`,
          entityType: 'campaign',
          entityId: id,
        });
        return c.json(await detail(ws, id));
      },
    });

  route({
    method: 'get',
    path: `${base}/:id/recipients`,
    access: who.access('get'),
    tag,
    summary: 'The recipients in send order, filtered by status or by phone/name (q), paged',
    query: recipientsQuery,
    responses: [
      {
        status: 200,
        description: 'A page of recipients',
        schema: z.object({ items: z.array(recipientView), nextCursor: z.string().nullable() }),
      },
    ],
    handler: async (c, { query }) => {
      const [view] = await campaignViews(deps, c.get('workspaceId'), c.req.param('id') ?? '');
      if (!view) throw notFound('The campaign');
      return c.json(await recipientPage(deps.client.db, view.id, query));
    },
  });

  route({
    method: 'get',
    path: `${base}/:id/recipients.csv`,
    access: who.access('get'),
    tag,
    summary: 'Every recipient as a CSV file (optionally of one status)',
    query: recipientsQuery,
    responses: [{ status: 200, description: 'text/csv', contentType: 'text/csv' }],
    handler: async (c, { query }) => {
      const [view] = await campaignViews(deps, c.get('workspaceId'), c.req.param('id') ?? '');
      if (!view) throw notFound('The campaign');
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="campaign-${view.id}-recipients.csv"`);
      return stream(c, async (out) => {
        for await (const chunk of recipientsCsv(deps.client.db, view.id, query.status))
          if (chunk) await out.write(chunk);
      });
    },
  });
}
