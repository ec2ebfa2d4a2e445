// What the campaign routes answer (apps/api/src/routes/campaigns/schema.ts), as the pages read it.
import type { CampaignStatus, RecipientStatus } from '@waflow/campaign/statuses';

export { RECIPIENT_STATUSES, type RecipientStatus } from '@waflow/campaign/statuses';

export interface Campaign {
  id: string;
  name: string;
  status: CampaignStatus;
  audienceText: string;
  timeZone: string;
  numberIds: string[];
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  pausedReason: string | null;
  total: number;
  counts: Record<RecipientStatus, number>;
  warnings: string[];
}

export interface CampaignDetail extends Campaign {
  series: { at: string; sent: number; failed: number }[];
  failures: { reason: string; count: number }[];
}

export interface Recipient {
  id: string;
  contact: string;
  name: string | null;
  status: RecipientStatus;
  reason: string | null;
  sentAt: string | null;
}

/** Recipients that are done (anything but queued), out of all: the progress bar. */
export function progressOf(c: Campaign): number {
  if (c.total === 0) return c.status === 'completed' ? 100 : 0;
  return Math.round(((c.total - c.counts.queued) / c.total) * 100);
}
