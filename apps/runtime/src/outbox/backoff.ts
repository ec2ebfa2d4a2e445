// Retry delay for transient send failures: exponential with full jitter, capped. `random` is
// injected so the sender stays testable.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  // Half fixed, half jitter: never retries immediately, never all at once.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
