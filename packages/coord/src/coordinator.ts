// The coordination interface the runtime uses: one lock per conversation handing out fencing
// tokens (the checkpoint in Postgres refuses a write with an older one), and its health.

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
}

export interface Coordinator {
  readonly kind: 'redis' | 'in-process';
  /** Runs `fn` holding the key's lock, waiting (bounded) while another holder has it. */
  withLock<T>(key: string, fn: (lock: HeldLock) => Promise<T>, opts?: LockOptions): Promise<T>;
  health(): Promise<{ ok: boolean; detail?: string }>;
  /** Further calls fail with COORD_UNAVAILABLE. */
  close(): Promise<void>;
}

export const DEFAULT_TTL_MS = 10_000;
export const DEFAULT_WAIT_MS = 10_000;
