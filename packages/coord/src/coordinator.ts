// The coordination interface the runtime uses: one lock per conversation handing out fencing
// tokens, a state cache that refuses writes with an older token, and pub/sub for hot reload.

export interface HeldLock {
  /**
   * Strictly grows per key across all holders, and stays above earlier fences after a restart
   * or a Redis that lost its data (it never goes below the clock in microseconds). A write
   * carrying an older fence than the stored one is refused.
   */
  fence: number;
  /** Aborted (reason: a LockLostError) when the lock was lost while the holder ran: stop writing. */
  signal: AbortSignal;
  /** Pushes the lock's expiry a full TTL ahead now; rejects with LOCK_LOST when it is gone. */
  extend(): Promise<void>;
}

export interface LockOptions {
  /** How long the lock lives without renewal. Default 10 s. */
  ttlMs?: number;
  /** How long to wait for a held lock before LOCK_TIMEOUT. Default 10 s. */
  waitMs?: number;
  /** Renew the lock at a third of its TTL while the holder runs (default true); else call `extend()`. */
  autoExtend?: boolean;
}

export type LockWaitOutcome = 'acquired' | 'timeout' | 'unavailable';

export interface CoordinatorEvents {
  /** Time spent waiting for a lock, and how the wait ended (for metrics). */
  onLockWait?: (ms: number, outcome: LockWaitOutcome) => void;
  /** A subscriber's handler threw; the other handlers and the publisher are not affected. */
  onError?: (err: unknown) => void;
}

export interface StoredState<T> {
  value: T;
  fence: number;
}

export interface Coordinator {
  readonly kind: 'redis' | 'in-process';
  /** Runs `fn` holding the key's lock, waiting (bounded) while another holder has it. */
  withLock<T>(key: string, fn: (lock: HeldLock) => Promise<T>, opts?: LockOptions): Promise<T>;
  /** The cached state, as JSON round-tripped it (the caller validates its shape). */
  getState<T = unknown>(key: string): Promise<StoredState<T> | undefined>;
  /** Stores `value` (JSON) unless a newer fence is already stored; false when refused. TTL default 24 h. */
  setState(key: string, value: unknown, fence: number, ttlMs?: number): Promise<boolean>;
  deleteState(key: string): Promise<void>;
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once subscribed; the returned function unsubscribes. Delivery is asynchronous. */
  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>>;
  health(): Promise<{ ok: boolean; detail?: string }>;
  /** Further calls fail with COORD_UNAVAILABLE. */
  close(): Promise<void>;
}

export const DEFAULT_TTL_MS = 10_000;
export const DEFAULT_WAIT_MS = 10_000;
export const DEFAULT_STATE_TTL_MS = 24 * 3600_000;

/** The state as the cache keeps it: JSON text (so both implementations return the same shapes). */
export function encodeState(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('setState needs a JSON value (got undefined or a function)');
  return text;
}
