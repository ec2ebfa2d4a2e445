// Group commit: turns of different conversations that are ready to commit at the same moment are
// written in one transaction (a statement per table, see commitTurns), so a busy number pays a
// few round trips per batch instead of a dozen per message. A batch that fails is split: each
// turn is committed alone, so one stale or broken turn never takes the others down with it.
import type { Database } from '@waflow/db';
import { commitTurns, type TurnWrites } from './turn-writes.ts';

interface Waiting {
  turn: TurnWrites;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitOptions {
  /** Transactions in flight at once (default 2: one being written while the next fills). */
  concurrency?: number;
  /** Most turns in one transaction (default 200). */
  maxBatch?: number;
}

export class GroupCommitter {
  private readonly queue: Waiting[] = [];
  private inFlight = 0;
  private readonly concurrency: number;
  private readonly maxBatch: number;

  constructor(
    private readonly db: Database,
    opts: GroupCommitOptions = {},
  ) {
    this.concurrency = opts.concurrency ?? 2;
    this.maxBatch = opts.maxBatch ?? 200;
  }

  /** Resolves once the turn is committed; rejects with the turn's own error (StaleFenceError…). */
  commit(turn: TurnWrites): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ turn, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      void this.write(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async write(batch: Waiting[]): Promise<void> {
    try {
      await commitTurns(
        this.db,
        batch.map((w) => w.turn),
      );
      for (const w of batch) w.resolve();
      return;
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err);
        return;
      }
    }
    // Someone in the batch failed: find out who by committing each alone.
    await Promise.all(
      batch.map(async (w) => {
        try {
          await commitTurns(this.db, [w.turn]);
          w.resolve();
        } catch (err) {
          w.reject(err);
        }
      }),
    );
  }
}
