// In-process coordination for a single process (no REDIS_URL, `npm start`'s default): FIFO locks
// per key and clock-floored fences.
import {
  DEFAULT_WAIT_MS,
  type Coordinator,
  type CoordinatorEvents,
  type HeldLock,
  type LockOptions,
} from './coordinator.ts';
import { CoordUnavailableError, LockTimeoutError } from './errors.ts';
import { createKeyQueue } from './key-queue.ts';

/** Microseconds since the epoch from a monotonic clock: fences stay above the last run's after a restart. */
function clockMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

export function createInProcessCoordinator(events: CoordinatorEvents = {}): Coordinator {
  const locks = createKeyQueue();
  // One counter for every key: strictly growing per key without keeping a fence per key.
  let lastFence = 0;
  let closed = false;

  function open(): void {
    if (closed) throw new CoordUnavailableError('The in-process coordinator was closed.');
  }

  return {
    kind: 'in-process',
    async withLock<T>(
      key: string,
      fn: (lock: HeldLock) => Promise<T>,
      opts: LockOptions = {},
    ): Promise<T> {
      open();
      const started = performance.now();
      let release: () => void;
      try {
        release = await locks.acquire(key, opts.waitMs ?? DEFAULT_WAIT_MS);
      } catch (err) {
        if (err instanceof LockTimeoutError)
          events.onLockWait?.(performance.now() - started, 'timeout');
        throw err;
      }
      events.onLockWait?.(performance.now() - started, 'acquired');
      lastFence = Math.max(lastFence + 1, clockMicros());
      // In one process a holder cannot stall apart from the others, so the lock is never lost.
      const lock: HeldLock = {
        fence: lastFence,
        signal: new AbortController().signal,
        extend: async () => undefined,
      };
      try {
        return await fn(lock);
      } finally {
        release();
      }
    },
    async health() {
      return closed ? { ok: false, detail: 'the in-process coordinator was closed' } : { ok: true };
    },
    async close() {
      closed = true;
    },
  };
}
