// First come, first served waiting for a key inside one process, bounded by a wait time. The
// in-process coordinator locks with it; the Redis one queues its own waiters with it so only one
// of them polls Redis per key and they enter in arrival order.
import { LockTimeoutError } from './errors.ts';

export interface KeyQueue {
  /** Resolves with a release function once the key is ours; rejects with LOCK_TIMEOUT after `waitMs`. */
  acquire(key: string, waitMs: number): Promise<() => void>;
  /** Keys held or waited for (for tests: nothing leaks). */
  size(): number;
}

export function createKeyQueue(): KeyQueue {
  // A key is present while held; its array holds the waiters behind the holder.
  const queues = new Map<string, Array<() => void>>();

  function releaser(key: string): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const waiting = queues.get(key);
      const next = waiting?.shift();
      if (next) next();
      else queues.delete(key);
    };
  }

  return {
    acquire(key, waitMs) {
      const waiting = queues.get(key);
      if (!waiting) {
        queues.set(key, []);
        return Promise.resolve(releaser(key));
      }
      return new Promise((resolve, reject) => {
        const grant = () => {
          clearTimeout(timer);
          resolve(releaser(key));
        };
        const timer = setTimeout(
          () => {
            const i = waiting.indexOf(grant);
            if (i >= 0) waiting.splice(i, 1);
            reject(new LockTimeoutError(key, waitMs));
          },
          Math.max(0, waitMs),
        );
        waiting.push(grant);
      });
    },
    size: () => queues.size,
  };
}
