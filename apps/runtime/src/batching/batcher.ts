// Group writes: what callers hand in at the same moment (the same burst of callbacks) or while a
// write is in flight goes out together in the next one, so a busy process pays one round trip
// per batch instead of one per item. A batch that fails is split — each item written alone — so
// one bad item fails only its own caller.

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export interface BatcherOptions {
  /** Writes in flight at once (default 1). */
  concurrency?: number;
  /** Most items in one write (default 200). */
  maxBatch?: number;
}

/** `write` gets the items of a batch and answers with one result per item, in their order. */
export class Batcher<T, R = void> {
  private readonly queue: Waiting<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly concurrency: number;
  private readonly maxBatch: number;

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    opts: BatcherOptions = {},
  ) {
    this.concurrency = opts.concurrency ?? 1;
    this.maxBatch = opts.maxBatch ?? 200;
  }

  /** Resolves with the item's result once written; rejects with the item's own error. */
  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Writes once the current burst of callbacks is over (process.nextTick runs after the
   * promise jobs queued now): a hundred messages arriving together make one batch, not one
   * write of the first and a second of the other ninety-nine.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      void this.flush(batch).finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
    }
  }

  private async flush(batch: Waiting<T, R>[]): Promise<void> {
    try {
      const results = await this.write(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i] as R));
      return;
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err);
        return;
      }
    }
    // Someone in the batch failed: find out who by writing each alone.
    await Promise.all(
      batch.map(async (w) => {
        try {
          const [result] = await this.write([w.item]);
          w.resolve(result as R);
        } catch (err) {
          w.reject(err);
        }
      }),
    );
  }
}
