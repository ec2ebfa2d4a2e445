// The runtime's campaign loop: starts scheduled campaigns when their time comes, sends what each
// number of this runtime may send now (paced per number), follows the recipients' statuses,
// pauses a campaign whose failures pass its threshold and completes one with nobody left.
import { and, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Coordinator } from '@waflow/coord';
import {
  defaultPacing,
  parseContent,
  parseSettings,
  stopReason,
  type Settings,
} from '@waflow/campaign';
import { executeRows, finishCampaign, schema, startCampaign, type Database } from '@waflow/db';
import type { Logger } from '../observability/logger.ts';
import { followRecipients } from './follow-recipients.ts';
import { sendOne, type SendTarget } from './send-one.ts';

export interface CampaignWorkerDeps {
  db: Database;
  coord: Coordinator;
  log: Logger;
  now: () => number;
  random: () => number;
  /** The numbers this runtime serves: only their campaign messages are sent from here. */
  numberIds: () => string[];
  /** A recipient was handed over: wake the number's outbox, or schedule the flow's start event. */
  onQueued: (numberId: string, waId: string, flowEvent: boolean) => void;
}

/** Most messages one number hands over in one tick, so a tick stays short. */
const MAX_PER_TICK = 500;

export class CampaignWorker {
  constructor(private readonly deps: CampaignWorkerDeps) {}

  /**
   * One pass; answers how many recipients were handed over and the soonest next send (ms).
   * `follow: false` only sends (the loop's quick re-ticks at a fast pace leave the status
   * statements, which read every unsettled recipient, to its regular ticks).
   */
  async tick(opts: { follow?: boolean } = {}): Promise<{ queued: number; nextAt: number | null }> {
    const now = new Date(this.deps.now());
    await this.startDue(now);
    const sent = await this.sendDue(now);
    if (opts.follow !== false) await this.follow(now);
    return sent;
  }

  private async startDue(now: Date): Promise<void> {
    const due = await this.deps.db
      .select({ id: schema.campaigns.id })
      .from(schema.campaigns)
      .where(and(eq(schema.campaigns.status, 'scheduled'), lte(schema.campaigns.scheduledAt, now)));
    for (const c of due) {
      const started = await this.deps.db.transaction((tx) => startCampaign(tx, c.id, now));
      if (started)
        this.deps.log.info(
          { campaignId: c.id, recipients: started.total, skipped: started.skipped },
          'campaign started',
        );
    }
  }

  private async sendDue(now: Date): Promise<{ queued: number; nextAt: number | null }> {
    const numberIds = this.deps.numberIds();
    if (numberIds.length === 0) return { queued: 0, nextAt: null };
    const pacers = await this.deps.db
      .select({
        campaign: schema.campaigns,
        numberId: schema.campaignNumbers.numberId,
        nextSendAt: schema.campaignNumbers.nextSendAt,
        channel: schema.numbers.channel,
      })
      .from(schema.campaignNumbers)
      .innerJoin(schema.campaigns, eq(schema.campaigns.id, schema.campaignNumbers.campaignId))
      .innerJoin(schema.numbers, eq(schema.numbers.id, schema.campaignNumbers.numberId))
      .where(
        and(
          eq(schema.campaigns.status, 'running'),
          inArray(schema.campaignNumbers.numberId, numberIds),
        ),
      );
    // Numbers send side by side: one number's slow lock or busy contacts never hold up another.
    const results = await Promise.all(
      pacers.map(async (p) => {
        const content = parseContent(p.campaign.content);
        const settings = parseSettings(p.campaign.settings);
        if (!content.ok || !settings.ok) {
          this.deps.log.error(
            { campaignId: p.campaign.id },
            'campaign has unreadable content or settings',
          );
          return { queued: 0, nextAt: null };
        }
        if (p.nextSendAt.getTime() > now.getTime())
          return { queued: 0, nextAt: p.nextSendAt.getTime() };
        const target = {
          campaign: {
            id: p.campaign.id,
            workspaceId: p.campaign.workspaceId,
            content: content.value,
            settings: settings.value,
            timeZone: p.campaign.timeZone,
          },
          numberId: p.numberId,
          pacing: settings.value.pacing ?? defaultPacing(p.channel),
        };
        return this.sendForNumber(target, now);
      }),
    );
    const queued = results.reduce((n, r) => n + r.queued, 0);
    const times = results.flatMap((r) => (r.nextAt === null ? [] : [r.nextAt]));
    const nextAt = times.length > 0 ? Math.min(...times) : null;
    return { queued, nextAt };
  }

  /** Hands over this number's due recipients, in order, until its pacer says wait. */
  private async sendForNumber(
    target: Omit<SendTarget, 'recipient'>,
    now: Date,
  ): Promise<{ queued: number; nextAt: number | null }> {
    let queued = 0;
    for (let tries = 0; tries < MAX_PER_TICK; tries++) {
      const [recipient] = await this.deps.db
        .select({
          id: schema.campaignRecipients.id,
          contactId: schema.campaignRecipients.contactId,
          waId: schema.campaignRecipients.waId,
        })
        .from(schema.campaignRecipients)
        .where(
          and(
            eq(schema.campaignRecipients.campaignId, target.campaign.id),
            eq(schema.campaignRecipients.numberId, target.numberId),
            eq(schema.campaignRecipients.status, 'queued'),
            isNull(schema.campaignRecipients.queuedAt),
            or(
              isNull(schema.campaignRecipients.notBefore),
              lte(schema.campaignRecipients.notBefore, now),
            ),
          ),
        )
        .orderBy(schema.campaignRecipients.position)
        .limit(1);
      if (!recipient) return { queued, nextAt: null };
      const out = await sendOne(
        this.deps.db,
        this.deps.coord,
        { ...target, recipient },
        now,
        this.deps.random,
      );
      if (out.kind === 'not_due') return { queued, nextAt: out.nextAt ?? null };
      if (out.kind === 'queued') {
        queued++;
        this.deps.onQueued(target.numberId, recipient.waId, out.flowEvent);
        if (out.nextAt > now.getTime()) return { queued, nextAt: out.nextAt };
      }
      // busy (waits or skipped) and gone take no turn of the pacer: look at the next one.
    }
    return { queued, nextAt: null };
  }

  private async follow(now: Date): Promise<void> {
    const active = await this.deps.db
      .select({
        id: schema.campaigns.id,
        workspaceId: schema.campaigns.workspaceId,
        name: schema.campaigns.name,
        status: schema.campaigns.status,
        settings: schema.campaigns.settings,
      })
      .from(schema.campaigns)
      .where(
        or(
          inArray(schema.campaigns.status, ['running', 'paused']),
          // Cancelled or completed lately: messages handed over before still report back.
          gt(schema.campaigns.finishedAt, new Date(now.getTime() - 86_400_000)),
        ),
      );
    if (active.length === 0) return;
    const withFailures = await followRecipients(
      this.deps.db,
      active.map((c) => c.id),
      now,
    );
    for (const c of active) {
      if (c.status !== 'running') continue;
      const settings = parseSettings(c.settings);
      if (withFailures.has(c.id) && settings.ok) await this.applyStopRule(c, settings.value, now);
      await this.completeIfDone(c, now);
    }
  }

  private async applyStopRule(c: { id: string }, settings: Settings, now: Date): Promise<void> {
    const latest = await executeRows<{ status: string }>(
      this.deps.db,
      sql`select status::text from campaign_recipients
          where campaign_id = ${c.id} and status not in ('queued', 'skipped')
          order by updated_at desc limit ${settings.stop.window}`,
    );
    const reason = stopReason(
      latest.map((r) => (r.status === 'failed' ? 'failed' : 'ok')),
      settings.stop,
    );
    if (!reason) return;
    await this.deps.db
      .update(schema.campaigns)
      .set({ status: 'paused', pausedReason: reason, updatedAt: now })
      .where(and(eq(schema.campaigns.id, c.id), eq(schema.campaigns.status, 'running')));
    this.deps.log.warn({ campaignId: c.id }, 'campaign paused by its stop rule');
  }

  private async completeIfDone(
    c: { id: string; workspaceId: string; name: string },
    now: Date,
  ): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const [row] = await tx
        .select({ id: schema.campaigns.id })
        .from(schema.campaigns)
        .where(and(eq(schema.campaigns.id, c.id), eq(schema.campaigns.status, 'running')))
        .for('update', { skipLocked: true });
      if (!row) return;
      const [left] = await executeRows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from campaign_recipients where campaign_id = ${c.id} and status = 'queued'`,
      );
      if ((left?.n ?? 1) > 0) return;
      await finishCampaign(tx, c, 'completed', now);
      this.deps.log.info({ campaignId: c.id }, 'campaign completed');
    });
  }
}
