// Failed attempts per key with exponential backoff: `free` failures come without waiting, then
// each failure makes the next attempt wait twice as long as the last (from `baseMs` up to `maxMs`),
// so guessing stays slow while nobody is shut out for longer than `maxMs`. A key with no failure
// for `forgetMs` starts afresh. Memory is bounded: at most `maxKeys` keys, the least recently
// failed dropped first (a Map keeps insertion order, and every failure re-inserts its key).
export interface BackoffOptions {
  free: number;
  baseMs: number;
  maxMs: number;
  forgetMs: number;
  maxKeys: number;
}

interface Entry {
  failures: number;
  last: number;
  until: number;
}

export class BackoffLimiter {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly options: BackoffOptions) {}

  /** Seconds to wait before the next attempt with this key; 0: go ahead. */
  retryAfter(key: string, now: number): number {
    const e = this.live(key, now);
    return e && e.until > now ? Math.ceil((e.until - now) / 1000) : 0;
  }

  fail(key: string, now: number): void {
    const e = this.live(key, now) ?? { failures: 0, last: now, until: 0 };
    e.failures += 1;
    e.last = now;
    const over = e.failures - this.options.free;
    e.until = over >= 0 ? now + Math.min(this.options.maxMs, this.options.baseMs * 2 ** over) : 0;
    this.entries.delete(key);
    this.entries.set(key, e);
    this.prune(now);
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  /** Keys held (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  private live(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (e && now - e.last > this.options.forgetMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  // Oldest first: drop what is forgotten and what is over the bound, stop at the first keeper.
  private prune(now: number): void {
    for (const [key, e] of this.entries) {
      if (this.entries.size <= this.options.maxKeys && now - e.last <= this.options.forgetMs) break;
      this.entries.delete(key);
    }
  }
}
