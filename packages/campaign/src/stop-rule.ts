// The stop rule: a campaign pauses itself when too many of its latest sends failed (a number
// being blocked, a template rejected), before it burns through the audience.

export interface StopRule {
  /** 0–1: pause when the failed share of the last `window` sends is above this. */
  threshold: number;
  /** How many of the latest sends are looked at; fewer than this never stops a campaign. */
  window: number;
}

export const DEFAULT_STOP_RULE: StopRule = { threshold: 0.2, window: 50 };

/** `latest`: the outcomes of the latest sends, newest first. A reason when it must pause. */
export function stopReason(latest: readonly ('ok' | 'failed')[], rule: StopRule): string | null {
  const seen = latest.slice(0, rule.window);
  if (seen.length < rule.window) return null;
  const failed = seen.filter((o) => o === 'failed').length;
  if (failed / seen.length <= rule.threshold) return null;
  return `Paused automatically: ${failed} of the last ${seen.length} messages failed (more than ${Math.round(rule.threshold * 100)}%). Look at the failures, fix the cause, then resume.`;
}
