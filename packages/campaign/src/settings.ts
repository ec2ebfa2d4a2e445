// How a campaign sends: its settings (pacing, busy policy, stop rule), parsed from what the API
// or the web app sent, with every problem said in words. What it sends is content.ts.
import { isRecord, type Parsed } from './audience.ts';
import { pacingProblems, type Pacing } from './pacing.ts';
import { DEFAULT_STOP_RULE, type StopRule } from './stop-rule.ts';

/** A contact already in a conversation: their campaign message waits until it ends, or is skipped. */
export type BusyPolicy = 'wait' | 'skip';

export interface Settings {
  /** null: the channel's defaults (defaultPacing) for each number. */
  pacing: Pacing | null;
  busy: BusyPolicy;
  stop: StopRule;
}

export const DEFAULT_SETTINGS: Settings = { pacing: null, busy: 'wait', stop: DEFAULT_STOP_RULE };

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function parseSettings(raw: unknown): Parsed<Settings> {
  if (raw === undefined || raw === null) return { ok: true, value: DEFAULT_SETTINGS };
  if (!isRecord(raw)) return { ok: false, problems: ['settings must be an object'] };
  const problems: string[] = [];
  let pacing: Pacing | null = null;
  if (isRecord(raw.pacing)) {
    const p = raw.pacing;
    const w = isRecord(p.window) ? p.window : null;
    pacing = {
      perMinute: num(p.perMinute) ?? NaN,
      jitter: num(p.jitter) ?? 0,
      dailyCap: p.dailyCap === null || p.dailyCap === undefined ? null : (num(p.dailyCap) ?? NaN),
      window: w ? { start: String(w.start ?? ''), end: String(w.end ?? '') } : null,
    };
    problems.push(...pacingProblems(pacing).map((m) => `settings.pacing: ${m}`));
  }
  const busy = raw.busy ?? 'wait';
  if (busy !== 'wait' && busy !== 'skip')
    problems.push('settings.busy is wait (send after their conversation ends) or skip');
  const s = isRecord(raw.stop) ? raw.stop : {};
  const stop: StopRule = {
    threshold: num(s.threshold) ?? DEFAULT_STOP_RULE.threshold,
    window: num(s.window) ?? DEFAULT_STOP_RULE.window,
  };
  if (!(stop.threshold > 0 && stop.threshold <= 1))
    problems.push('settings.stop.threshold is a share of failures between 0.01 and 1');
  if (!(Number.isInteger(stop.window) && stop.window >= 5))
    problems.push('settings.stop.window is how many of the latest sends to look at (5 or more)');
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { pacing, busy: busy === 'skip' ? 'skip' : 'wait', stop } };
}
