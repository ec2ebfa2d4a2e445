// A campaign's lifecycle: draft → scheduled → running ⇄ paused → completed | cancelled. Each
// action either moves the campaign on or is refused in plain words that say what to do instead.

export const CAMPAIGN_STATUSES = [
  'draft',
  'scheduled',
  'running',
  'paused',
  'completed',
  'cancelled',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export type CampaignAction =
  'schedule' | 'start' | 'pause' | 'resume' | 'cancel' | 'complete' | 'edit';

export type Transition =
  | { ok: true; status: CampaignStatus }
  | { ok: false; code: 'CAMPAIGN_TRANSITION_REFUSED'; message: string };

const MOVES: Record<CampaignAction, Partial<Record<CampaignStatus, CampaignStatus>>> = {
  schedule: { draft: 'scheduled', scheduled: 'scheduled' },
  start: { draft: 'running', scheduled: 'running' },
  pause: { scheduled: 'paused', running: 'paused', paused: 'paused' },
  resume: { paused: 'running' },
  cancel: { draft: 'cancelled', scheduled: 'cancelled', running: 'cancelled', paused: 'cancelled' },
  complete: { running: 'completed' },
  edit: { draft: 'draft', scheduled: 'scheduled' },
};

const WHY: Record<CampaignStatus, string> = {
  draft: 'it is a draft: schedule it or start it first',
  scheduled: 'it is scheduled and has not started yet',
  running: 'it is already sending',
  paused: 'it is paused: resume it or cancel it',
  completed: 'it has finished sending; create a new campaign to send again',
  cancelled: 'it was cancelled; create a new campaign to send again',
};

const VERB: Record<CampaignAction, string> = {
  schedule: 'schedule',
  start: 'start',
  pause: 'pause',
  resume: 'resume',
  cancel: 'cancel',
  complete: 'complete',
  edit: 'change',
};

export function transition(from: CampaignStatus, action: CampaignAction): Transition {
  const to = MOVES[action][from];
  if (to) return { ok: true, status: to };
  return {
    ok: false,
    code: 'CAMPAIGN_TRANSITION_REFUSED',
    message: `This campaign cannot ${VERB[action]} now: ${WHY[from]}.`,
  };
}

/** Whether a campaign in this status is over: nothing more is sent, nothing can be changed. */
export function isFinished(status: CampaignStatus): boolean {
  return status === 'completed' || status === 'cancelled';
}
