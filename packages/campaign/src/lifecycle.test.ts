import { describe, expect, it } from 'vitest';
import { CAMPAIGN_STATUSES, transition } from './lifecycle.ts';
import { stopReason } from './stop-rule.ts';

describe('lifecycle', () => {
  it('goes draft → scheduled → running → paused → running → completed', () => {
    const steps = ['schedule', 'start', 'pause', 'resume', 'complete'] as const;
    let s: (typeof CAMPAIGN_STATUSES)[number] = 'draft';
    const seen = [];
    for (const a of steps) {
      const t = transition(s, a);
      if (!t.ok) throw new Error(t.message);
      s = t.status;
      seen.push(s);
    }
    expect(seen).toEqual(['scheduled', 'running', 'paused', 'running', 'completed']);
  });

  it('cancels from any unfinished status and from no finished one', () => {
    for (const s of CAMPAIGN_STATUSES) {
      const t = transition(s, 'cancel');
      expect(t.ok).toBe(s !== 'completed' && s !== 'cancelled');
    }
  });

  it('refuses in words that say what to do instead', () => {
    const t = transition('completed', 'resume');
    expect(t).toEqual({
      ok: false,
      code: 'CAMPAIGN_TRANSITION_REFUSED',
      message:
        'This campaign cannot resume now: it has finished sending; create a new campaign to send again.',
    });
    const e = transition('running', 'edit');
    expect(e.ok || e.message).toBe('This campaign cannot change now: it is already sending.');
  });
});

describe('stop rule', () => {
  const rule = { threshold: 0.2, window: 10 };
  it('waits for a full window before judging', () => {
    expect(stopReason(Array(9).fill('failed'), rule)).toBeNull();
  });
  it('pauses when the failed share of the latest sends passes the threshold, not at it', () => {
    const two = ['failed', 'failed', ...Array(8).fill('ok')];
    expect(stopReason(two, rule)).toBeNull();
    expect(stopReason(['failed', ...two], rule)).toMatch(/3 of the last 10 messages failed/);
  });
  it('looks only at the latest sends', () => {
    expect(stopReason([...Array(10).fill('ok'), ...Array(10).fill('failed')], rule)).toBeNull();
  });
});
