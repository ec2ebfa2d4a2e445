// Moving a campaign on in the caller's transaction: starting it (recipients chosen, the
// campaign.started event) and finishing it (completed or cancelled, the campaign.completed event),
// shared by the API (start now, cancel) and the runtime (scheduled starts, completion).
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { parseAudience } from '@waflow/campaign';
import type { Database } from '../client.ts';
import * as schema from '../schema/index.ts';
import { materializeRecipients, recipientCounts } from './campaign-recipients.ts';
import { enqueueWebhookEvent } from './webhook-events.ts';

type CampaignRow = typeof schema.campaigns.$inferSelect;

/**
 * Starts a draft or scheduled campaign now: recipients chosen from the audience as it is at this
 * moment. Answers null when another process started (or someone cancelled) it first.
 */
export async function startCampaign(
  tx: Database,
  campaignId: string,
  now: Date,
): Promise<{ campaign: CampaignRow; total: number; skipped: number } | null> {
  const [c] = await tx
    .select()
    .from(schema.campaigns)
    .where(
      and(
        eq(schema.campaigns.id, campaignId),
        inArray(schema.campaigns.status, ['draft', 'scheduled']),
      ),
    )
    .for('update', { skipLocked: true });
  if (!c) return null;
  const audience = parseAudience(c.audience);
  if (!audience.ok) throw new Error(`campaign ${c.id} has a bad audience: ${audience.problems[0]}`);
  const numbers = await tx
    .select({ numberId: schema.campaignNumbers.numberId })
    .from(schema.campaignNumbers)
    .where(eq(schema.campaignNumbers.campaignId, c.id))
    .orderBy(schema.campaignNumbers.numberId);
  const { total, skipped } = await materializeRecipients(
    tx,
    { id: c.id, workspaceId: c.workspaceId, audience: audience.value },
    numbers.map((n) => n.numberId),
  );
  const [started] = await tx
    .update(schema.campaigns)
    .set({ status: 'running', startedAt: now, total, updatedAt: now })
    .where(eq(schema.campaigns.id, c.id))
    .returning();
  await enqueueWebhookEvent(tx, {
    id: `evt_campaign_started_${c.id}`,
    type: 'campaign.started',
    workspaceId: c.workspaceId,
    occurredAt: now,
    data: { campaignId: c.id, name: c.name, recipients: total, skipped },
  });
  return started ? { campaign: started, total, skipped } : null;
}

/**
 * Ends a campaign: `completed` when every recipient is settled, `cancelled` by a person. The
 * recipients not yet handed to the outbox are skipped (cancelled), those already handed go out.
 */
export async function finishCampaign(
  tx: Database,
  c: { id: string; workspaceId: string; name: string },
  status: 'completed' | 'cancelled',
  now: Date,
): Promise<void> {
  if (status === 'cancelled')
    await tx
      .update(schema.campaignRecipients)
      .set({ status: 'skipped', reason: 'cancelled: the campaign was cancelled', updatedAt: now })
      .where(
        and(
          eq(schema.campaignRecipients.campaignId, c.id),
          eq(schema.campaignRecipients.status, 'queued'),
          // Not yet handed over: nothing of theirs is in the outbox.
          isNull(schema.campaignRecipients.queuedAt),
        ),
      );
  await tx
    .update(schema.campaigns)
    .set({ status, finishedAt: now, updatedAt: now })
    .where(eq(schema.campaigns.id, c.id));
  await enqueueWebhookEvent(tx, {
    id: `evt_campaign_completed_${c.id}`,
    type: 'campaign.completed',
    workspaceId: c.workspaceId,
    occurredAt: now,
    data: { campaignId: c.id, name: c.name, status, counts: await recipientCounts(tx, c.id) },
  });
}
