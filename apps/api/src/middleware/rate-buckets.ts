// Token buckets by key (an API key, a workspace, a destination, a client address), in this
// process's memory. Buckets that have filled up again are forgotten once a minute, so the map
// holds only keys seen in the last minute or so, however many are tried.

interface Bucket {
  tokens: number;
  at: number;
}

export class RateBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private lastPrune = 0;

  constructor(
    readonly perMin: number,
    readonly burst: number,
  ) {}

  /** Seconds until `key` has a token (0: it has one now); takes nothing. */
  wait(key: string, now: number): number {
    const b = this.refill(key, now);
    return b.tokens >= 1 ? 0 : Math.max(1, Math.ceil(((1 - b.tokens) * 60) / this.perMin));
  }

  /** Takes a token for `key` (it may go below one: callers check wait() first). */
  take(key: string, now: number): void {
    const b = this.refill(key, now);
    b.tokens -= 1;
    this.buckets.set(key, b);
  }

  private refill(key: string, now: number): Bucket {
    this.prune(now);
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + (Math.max(0, now - b.at) / 60_000) * this.perMin);
    b.at = now;
    return b;
  }

  private prune(now: number): void {
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    for (const [key, b] of this.buckets)
      if (b.tokens + ((now - b.at) / 60_000) * this.perMin >= this.burst) this.buckets.delete(key);
  }
}
