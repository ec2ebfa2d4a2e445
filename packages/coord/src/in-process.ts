// In-process coordination for a single process (no REDIS_URL, `npm start`'s default): FIFO locks
// per key, clock-floored fences, a Map for state, and local pub/sub delivered asynchronously.
import {
  DEFAULT_STATE_TTL_MS,
  DEFAULT_WAIT_MS,
  encodeState,
  type Coordinator,
  type CoordinatorEvents,
  type HeldLock,
  type LockOptions,
} from './coordinator.ts';
import { CoordUnavailableError, LockTimeoutError } from './errors.ts';
import { createKeyQueue } from './key-queue.ts';

const SWEEP_EVERY_MS = 60_000;

/** Microseconds since the epoch from a monotonic clock: fences stay above the last run's after a restart. */
function clockMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

export function createInProcessCoordinator(events: CoordinatorEvents = {}): Coordinator {
  const locks = createKeyQueue();
  // One counter for every key: strictly growing per key without keeping a fence per key.
  let lastFence = 0;
  const states = new Map<string, { text: string; fence: number; expiresAt: number }>();
  const channels = new Map<string, Set<(message: string) => void>>();
  let closed = false;

  // Expired states nobody reads again would otherwise stay in memory.
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, s] of states) if (s.expiresAt <= now) states.delete(key);
  }, SWEEP_EVERY_MS);
  sweep.unref();

  function open(): void {
    if (closed) throw new CoordUnavailableError('The in-process coordinator was closed.');
  }

  function live(key: string) {
    const s = states.get(key);
    if (s && s.expiresAt <= Date.now()) {
      states.delete(key);
      return undefined;
    }
    return s;
  }

  return {
    kind: 'in-process',
    async withLock<T>(key: string, fn: (lock: HeldLock) => Promise<T>, opts: LockOptions = {}): Promise<T> {
      open();
      const started = performance.now();
      let release: () => void;
      try {
        release = await locks.acquire(key, opts.waitMs ?? DEFAULT_WAIT_MS);
      } catch (err) {
        if (err instanceof LockTimeoutError) events.onLockWait?.(performance.now() - started, 'timeout');
        throw err;
      }
      events.onLockWait?.(performance.now() - started, 'acquired');
      lastFence = Math.max(lastFence + 1, clockMicros());
      // In one process a holder cannot stall apart from the others, so the lock is never lost.
      const lock: HeldLock = { fence: lastFence, signal: new AbortController().signal, extend: async () => undefined };
      try {
        return await fn(lock);
      } finally {
        release();
      }
    },
    async getState(key) {
      open();
      const s = live(key);
      return s ? { value: JSON.parse(s.text), fence: s.fence } : undefined;
    },
    async setState(key, value, fence, ttlMs = DEFAULT_STATE_TTL_MS) {
      open();
      const text = encodeState(value);
      const cur = live(key);
      if (cur && cur.fence > fence) return false;
      states.set(key, { text, fence, expiresAt: Date.now() + ttlMs });
      return true;
    },
    async deleteState(key) {
      open();
      states.delete(key);
    },
    async publish(channel, message) {
      open();
      const handlers = channels.get(channel);
      if (!handlers) return;
      // Delivered after publish returns, like Redis, so nobody comes to rely on synchronous delivery.
      for (const handler of [...handlers]) {
        setImmediate(() => {
          if (!handlers.has(handler)) return;
          try {
            handler(message);
          } catch (err) {
            events.onError?.(err);
          }
        });
      }
    },
    async subscribe(channel, handler) {
      open();
      const handlers = channels.get(channel) ?? new Set();
      channels.set(channel, handlers);
      // A handler subscribed twice is two subscriptions: wrap it so each unsubscribe removes one.
      const subscription = (m: string) => handler(m);
      handlers.add(subscription);
      return async () => {
        handlers.delete(subscription);
        if (handlers.size === 0 && channels.get(channel) === handlers) channels.delete(channel);
      };
    },
    async health() {
      return closed ? { ok: false, detail: 'the in-process coordinator was closed' } : { ok: true };
    },
    async close() {
      closed = true;
      clearInterval(sweep);
      channels.clear();
      states.clear();
    },
  };
}
