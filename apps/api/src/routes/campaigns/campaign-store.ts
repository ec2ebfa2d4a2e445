// What the campaign routes (the team's and the integrators') do with a campaign: create it from
// a checked body, move it through its lifecycle, and read it back with its counts.
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { z } from 'zod/v4';
import {
  describeAudience,
  parseAudience,
  parseContent,
  parseSettings,
  transition,
  WHATSAPP_WEB_BAN_WARNING,
  zonedToInstant,
  minutesOf,
  type CampaignAction,
  type CampaignStatus,
} from '@waflow/campaign';
import { isTimeZone } from '@waflow/flow';
import { finishCampaign, recipientCounts, schema, startCampaign, type Database } from '@waflow/db';
import type { Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import type { campaignView, createBody } from './schema.ts';

type Body = z.output<typeof createBody>;
type View = z.output<typeof campaignView>;

function invalid(problems: string[]): AppError {
  return new AppError(422, 'CAMPAIGN_INVALID', problems.join('; '), { problems });
}

/** A local "YYYY-MM-DDTHH:MM" in `timeZone` → the instant; refused when it is in the past. */
export function sendAtInstant(sendAt: string, timeZone: string, now: number): Date {
  const [date = '', time = ''] = sendAt.split('T');
  const at = zonedToInstant(date, minutesOf(time) ?? 0, timeZone);
  if (at <= now)
    throw invalid([`sendAt ${sendAt} (${timeZone}) has passed: choose a later time, or start now`]);
  return new Date(at);
}

async function workspaceTimeZone(db: Database, ws: string): Promise<string> {
  const [w] = await db
    .select({ settings: schema.workspaces.settings })
    .from(schema.workspaces)
    .where(eq(schema.workspaces.id, ws));
  const tz = w?.settings.timezone;
  return typeof tz === 'string' && isTimeZone(tz) ? tz : 'UTC';
}

export async function createCampaign(
  deps: Deps,
  ws: string,
  userId: string | null,
  body: Body,
): Promise<string> {
  const audience = parseAudience(body.audience);
  const content = parseContent(body.content);
  const settings = parseSettings(body.settings);
  const problems = [
    ...(audience.ok ? [] : audience.problems),
    ...(content.ok ? [] : content.problems),
    ...(settings.ok ? [] : settings.problems),
  ];
  if (problems.length > 0 || !audience.ok || !content.ok || !settings.ok) throw invalid(problems);
  const db = deps.client.db;
  const numbers = await db
    .select({ id: schema.numbers.id })
    .from(schema.numbers)
    .where(
      and(
        eq(schema.numbers.workspaceId, ws),
        inArray(schema.numbers.id, body.numberIds),
        isNull(schema.numbers.deletedAt),
        isNull(schema.numbers.pinnedVersionId),
      ),
    );
  if (numbers.length !== new Set(body.numberIds).size)
    throw invalid(['numberIds: a number is not one of this workspace’s (see the Numbers page)']);
  if (content.value.kind === 'flow') {
    const flowId = content.value.flowId;
    const [flow] = isUuid(flowId)
      ? await db
          .select({ published: schema.flows.publishedVersionId })
          .from(schema.flows)
          .where(and(eq(schema.flows.id, flowId), eq(schema.flows.workspaceId, ws)))
      : [];
    if (!flow) throw invalid(['content.flowId: choose one of this workspace’s flows']);
    if (!flow.published) throw invalid(['content.flowId: publish the flow in the builder first']);
  }
  const timeZone = await workspaceTimeZone(db, ws);
  const scheduledAt = body.sendAt ? sendAtInstant(body.sendAt, timeZone, Date.now()) : null;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(schema.campaigns)
      .values({
        workspaceId: ws,
        name: body.name,
        status: scheduledAt ? 'scheduled' : 'draft',
        audience: audience.value,
        content: content.value,
        settings: settings.value,
        timeZone,
        scheduledAt,
        createdBy: userId,
      })
      .returning({ id: schema.campaigns.id });
    if (!row) throw new Error('campaign insert returned nothing');
    await tx
      .insert(schema.campaignNumbers)
      .values(
        numbers.map((n) => ({ campaignId: row.id, numberId: n.id, nextSendAt: new Date(0) })),
      );
    if (body.start && !scheduledAt) await startCampaign(tx, row.id, new Date());
    return row.id;
  });
}

/** Moves a campaign on; a refused move is a 409 that says what to do instead. */
export async function actOnCampaign(
  deps: Deps,
  ws: string,
  id: string,
  action: Exclude<CampaignAction, 'complete' | 'edit'>,
  sendAt?: string,
): Promise<void> {
  await deps.client.db.transaction(async (tx) => {
    const [c] = isUuid(id)
      ? await tx
          .select()
          .from(schema.campaigns)
          .where(and(eq(schema.campaigns.id, id), eq(schema.campaigns.workspaceId, ws)))
          .for('update')
      : [];
    if (!c) throw notFound('The campaign');
    const t = transition(c.status as CampaignStatus, action);
    if (!t.ok) throw new AppError(409, t.code, t.message, { status: c.status });
    const now = new Date();
    if (action === 'start') {
      if (!(await startCampaign(tx, c.id, now))) throw new Error('campaign start raced');
      return;
    }
    if (action === 'cancel') return finishCampaign(tx, c, 'cancelled', now);
    const scheduledAt =
      action === 'schedule'
        ? sendAtInstant(sendAt ?? '', c.timeZone, now.getTime())
        : c.scheduledAt;
    await tx
      .update(schema.campaigns)
      .set({
        status: t.status,
        scheduledAt,
        // A resume clears the stop rule's reason (the counts behind it stay on the page).
        pausedReason: action === 'resume' ? null : c.pausedReason,
        updatedAt: now,
      })
      .where(eq(schema.campaigns.id, c.id));
  });
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function campaignViews(deps: Deps, ws: string, id?: string): Promise<View[]> {
  if (id !== undefined && !isUuid(id)) return [];
  const db = deps.client.db;
  const rows = await db
    .select()
    .from(schema.campaigns)
    .where(and(eq(schema.campaigns.workspaceId, ws), id ? eq(schema.campaigns.id, id) : undefined))
    .orderBy(desc(schema.campaigns.createdAt))
    .limit(100);
  const nums = rows.length
    ? await db
        .select({
          campaignId: schema.campaignNumbers.campaignId,
          numberId: schema.campaignNumbers.numberId,
          channel: schema.numbers.channel,
        })
        .from(schema.campaignNumbers)
        .innerJoin(schema.numbers, eq(schema.numbers.id, schema.campaignNumbers.numberId))
        .where(
          inArray(
            schema.campaignNumbers.campaignId,
            rows.map((r) => r.id),
          ),
        )
    : [];
  return Promise.all(
    rows.map(async (c) => {
      const mine = nums.filter((n) => n.campaignId === c.id);
      const audience = parseAudience(c.audience);
      return {
        id: c.id,
        name: c.name,
        status: c.status,
        audience: c.audience,
        audienceText: audience.ok ? describeAudience(audience.value) : 'an unreadable audience',
        content: c.content,
        settings: c.settings,
        timeZone: c.timeZone,
        numberIds: mine.map((n) => n.numberId),
        scheduledAt: iso(c.scheduledAt),
        startedAt: iso(c.startedAt),
        finishedAt: iso(c.finishedAt),
        pausedReason: c.pausedReason,
        total: c.total,
        counts: await recipientCounts(db, c.id),
        warnings: mine.some((n) => n.channel === 'whatsapp') ? [WHATSAPP_WEB_BAN_WARNING] : [],
      };
    }),
  );
}
