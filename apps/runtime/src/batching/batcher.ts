// Group writes: what callers hand in while a write is in flight goes out together in the next
// one, so a busy process pays one round trip per batch instead of one per item. A batch that
// fails is split — each item written alone — so one bad item fails only its own caller.

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface BatcherOptions {
  /** Writes in flight at once (default 1). */
  concurrency?: number;
  /** Most items in one write (default 200). */
  maxBatch?: number;
}

export class Batcher<T> {
  private readonly queue: Waiting<T>[] = [];
  private inFlight = 0;
  private readonly concurrency: number;
  private readonly maxBatch: number;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    opts: BatcherOptions = {},
  ) {
    this.concurrency = opts.concurrency ?? 1;
    this.maxBatch = opts.maxBatch ?? 200;
  }

  /** Resolves once the item is written; rejects with the item's own error. */
  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      void this.flush(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async flush(batch: Waiting<T>[]): Promise<void> {
    try {
      await this.write(batch.map((w) => w.item));
      for (const w of batch) w.resolve();
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
          await this.write([w.item]);
          w.resolve();
        } catch (err) {
          w.reject(err);
        }
      }),
    );
  }
}
