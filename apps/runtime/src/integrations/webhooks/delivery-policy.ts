// What happens after a webhook attempt: delivered, retried later (on the schedule, or when the
// receiver's Retry-After says), failed for good, or the endpoint disabled. Pure: the clock and
// randomness are passed in, so a fake-clock test can check the whole schedule.

/** Delay before attempt n+1 (index n-1 after attempt n): 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  0,
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3600_000,
  5 * 3600_000,
  10 * 3600_000,
  10 * 3600_000,
];

/** Jitter: up to ±10% of the delay, so retries after an outage do not all land at once. */
const JITTER = 0.1;
/** An endpoint failing for this long in a row is disabled. */
export const DISABLE_AFTER_MS = 5 * 24 * 3600_000;
export const ATTEMPT_TIMEOUT_MS = 15_000;

/**
 * `refused`: the egress policy refused the endpoint's address (it resolves to a loopback or
 * private address). Retrying cannot help until an operator changes the policy, so it fails at once.
 */
export type AttemptOutcome =
  | { kind: 'response'; status: number; retryAfter?: string }
  | { kind: 'error'; message: string }
  | { kind: 'refused'; reason: string; allowWith: string };

export type Decision =
  | { kind: 'delivered' }
  | { kind: 'retry'; at: number }
  | { kind: 'failed'; reason: string }
  | { kind: 'disable-endpoint'; reason: string };

/** Parses Retry-After (seconds or an HTTP date) into a delay in ms, capped at 10 hours. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, 10 * 3600_000);
}

/**
 * @param attempt the number of the attempt that just ended (1 = first)
 * @param failingSince when the endpoint's current run of failures began (undefined: it was healthy)
 */
export function decide(
  outcome: AttemptOutcome,
  attempt: number,
  now: number,
  failingSince: number | undefined,
  random: () => number,
): Decision {
  if (outcome.kind === 'response') {
    const { status } = outcome;
    if (status >= 200 && status < 300) return { kind: 'delivered' };
    if (status === 410)
      return { kind: 'disable-endpoint', reason: 'the endpoint answered 410 Gone' };
  }
  if (outcome.kind === 'refused')
    return { kind: 'failed', reason: 'not retried: the address policy refuses it every time' };
  if (failingSince !== undefined && now - failingSince >= DISABLE_AFTER_MS) {
    return { kind: 'disable-endpoint', reason: 'the endpoint has failed for 5 days in a row' };
  }
  const next = RETRY_SCHEDULE_MS[attempt];
  if (next === undefined) {
    return { kind: 'failed', reason: `gave up after ${attempt} attempts` };
  }
  let delay = Math.round(next * (1 - JITTER + 2 * JITTER * random()));
  if (outcome.kind === 'response' && (outcome.status === 429 || outcome.status === 503)) {
    const asked = retryAfterMs(outcome.retryAfter, now);
    if (asked !== undefined) delay = Math.max(asked, 1_000);
  }
  return { kind: 'retry', at: now + delay };
}

export function describeOutcome(outcome: AttemptOutcome): string {
  if (outcome.kind === 'error') return outcome.message;
  if (outcome.kind === 'refused')
    return `${outcome.reason}: deliveries there are refused (allow it with ${outcome.allowWith})`;
  if (outcome.status >= 300 && outcome.status < 400)
    return `answered ${outcome.status}: redirects are not followed, point the endpoint at the final URL`;
  return `answered ${outcome.status}`;
}
