// Per-number send pacing: a token bucket with an injected clock. The default (1 message/s,
// bursts of 3) is deliberately slow: unofficial clients that send fast get banned.

export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSec: number;
  /** Most tokens held at once (the burst size). */
  burst: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly opts: TokenBucketOptions,
    now: number,
  ) {
    if (!(opts.ratePerSec > 0)) throw new RangeError('ratePerSec must be greater than 0');
    if (!(opts.burst >= 1)) throw new RangeError('burst must be at least 1');
    this.tokens = opts.burst;
    this.last = now;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.tokens = Math.min(this.opts.burst, this.tokens + elapsed * this.opts.ratePerSec);
    this.last = now;
  }

  /** How many ms until a token is there (0: one is there now); takes nothing. */
  waitTime(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.opts.ratePerSec) * 1000);
  }

  /** Whole tokens there now (how many sends may go at once). */
  available(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }

  /** Takes up to `n` whole tokens there now; answers how many it took. */
  takeUpTo(n: number, now: number): number {
    const taken = Math.max(0, Math.min(n, this.available(now)));
    this.tokens -= taken;
    return taken;
  }

  /** Gives back tokens taken and not used (never above the burst). */
  give(n: number): void {
    this.tokens = Math.min(this.opts.burst, this.tokens + n);
  }

  /** Takes a token if one is there; otherwise says how many ms until one is. */
  take(now: number): { ok: true } | { ok: false; waitMs: number } {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, waitMs: Math.ceil(((1 - this.tokens) / this.opts.ratePerSec) * 1000) };
  }
}
