// Step one of the inbound path: persist the event before anything else happens to it. The
// unique (number, message id) stops duplicates here; a crash after this line replays, never drops.
import { insertInboundEvent, insertInboundEvents, type Database } from '@waflow/db';
import type { InboundPayload } from '@waflow/db';

export interface IngestInput {
  numberId: string;
  fromWaId: string;
  eventId: string;
  payload: InboundPayload;
}

/** One event, inside the caller's transaction (timers). */
export async function ingest(
  db: Database,
  input: IngestInput,
): Promise<{ inserted: boolean; id?: string }> {
  return insertInboundEvent(db, toRow(input));
}

function toRow(input: IngestInput) {
  return {
    numberId: input.numberId,
    waMessageId: input.eventId,
    fromWaId: input.fromWaId,
    kind: input.payload.kind,
    payload: input.payload,
  };
}

interface Pending {
  input: IngestInput;
  resolve: (r: { inserted: boolean; id: string }) => void;
  reject: (err: unknown) => void;
}

/**
 * Persists a number's events in the order they arrive: channels hand messages over without
 * waiting, and separate inserts racing on a connection pool would number them out of order. One
 * writer per number; what arrives while it writes goes in the next statement (group commit), so
 * a burst costs one round trip, not one per message.
 */
export class IngestQueue {
  private readonly queues = new Map<string, Pending[]>();

  constructor(
    private readonly db: Database,
    private readonly maxBatch = 200,
  ) {}

  add(input: IngestInput): Promise<{ inserted: boolean; id: string }> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(input.numberId);
      if (queue) {
        queue.push({ input, resolve, reject });
        return;
      }
      this.queues.set(input.numberId, [{ input, resolve, reject }]);
      // Once the current burst of callbacks is over: what arrives with it is in the same insert.
      process.nextTick(() => void this.drain(input.numberId));
    });
  }

  private async drain(numberId: string): Promise<void> {
    for (;;) {
      const queue = this.queues.get(numberId);
      if (!queue || queue.length === 0) {
        this.queues.delete(numberId);
        return;
      }
      const batch = queue.splice(0, this.maxBatch);
      try {
        const results = await insertInboundEvents(
          this.db,
          numberId,
          batch.map((p) => toRow(p.input)),
        );
        batch.forEach((p, i) => p.resolve(results[i] as { inserted: boolean; id: string }));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
  }
}
