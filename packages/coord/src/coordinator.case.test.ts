// One suite for every Coordinator implementation: both must pass it unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Coordinator, CoordinatorEvents, LockWaitOutcome } from './coordinator.ts';
import { LockTimeoutError } from './errors.ts';

export interface ContractOptions {
  name: string;
  /** A fresh coordinator; two made by one suite share their backing store (one Redis). */
  create: (events?: CoordinatorEvents) => Promise<Coordinator> | Coordinator;
}

/** A promise and the function that settles it, to wait on events instead of time. */
function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open: (value: T) => void = () => undefined;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

export function runContract({ name, create }: ContractOptions): void {
  describe(`${name} coordination`, () => {
    let c: Coordinator;
    const waits: Array<{ ms: number; outcome: LockWaitOutcome }> = [];
    beforeAll(async () => {
      c = await create({ onLockWait: (ms, outcome) => waits.push({ ms, outcome }) });
    });
    afterAll(() => c.close());
    let n = 0;
    const key = () => `conv-${name}-${++n}-${Date.now()}`;

    it('never lets two holders of one key overlap, lets them in by arrival, and hands out growing fences', async () => {
      const k = key();
      let inside = 0;
      let maxInside = 0;
      const entered: Array<{ i: number; fence: number }> = [];
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          c.withLock(
            k,
            async ({ fence }) => {
              inside += 1;
              maxInside = Math.max(maxInside, inside);
              entered.push({ i, fence });
              await new Promise((r) => setImmediate(r));
              inside -= 1;
            },
            { waitMs: 30_000 },
          ),
        ),
      );
      expect(maxInside).toBe(1);
      expect(entered.map((e) => e.i)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      for (let i = 1; i < entered.length; i += 1)
        expect(entered[i]?.fence).toBeGreaterThan(entered[i - 1]?.fence ?? Infinity);
    });

    it('keeps fences growing for a key across separate holds and across a restarted coordinator', async () => {
      const k = key();
      const first = await c.withLock(k, async ({ fence }) => fence);
      const second = await c.withLock(k, async ({ fence }) => fence);
      const other = await create();
      try {
        const third = await other.withLock(k, async ({ fence }) => fence);
        expect(second).toBeGreaterThan(first);
        expect(third).toBeGreaterThan(second);
      } finally {
        await other.close();
      }
    });

    it('runs different keys in parallel', async () => {
      const a = key();
      const held = gate();
      const first = c.withLock(a, () => held.promise);
      const second = await c.withLock(key(), async () => 'b ran while a was held', {
        waitMs: 5_000,
      });
      held.open();
      await first;
      expect(second).toBe('b ran while a was held');
    });

    it('gives LOCK_TIMEOUT when the key stays held past the wait, and reports the wait', async () => {
      const k = key();
      const held = gate();
      const entered = gate();
      const holder = c.withLock(k, async () => {
        entered.open();
        await held.promise;
      });
      await entered.promise;
      const timedOut = c.withLock(k, async () => 'never', { waitMs: 150 });
      await expect(timedOut).rejects.toBeInstanceOf(LockTimeoutError);
      await expect(timedOut).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
      held.open();
      await holder;
      expect(waits.some((w) => w.outcome === 'timeout')).toBe(true);
      expect(waits.filter((w) => w.outcome === 'acquired').length).toBeGreaterThan(0);
      // The key is free again after both.
      await expect(c.withLock(k, async () => 'free', { waitMs: 5_000 })).resolves.toBe('free');
    });

    it('releases the lock when the holder throws, and passes the error on', async () => {
      const k = key();
      await expect(c.withLock(k, async () => Promise.reject(new Error('boom')))).rejects.toThrow(
        'boom',
      );
      await expect(c.withLock(k, async () => 'free again', { waitMs: 5_000 })).resolves.toBe(
        'free again',
      );
    });

    it('lets a holder extend its lock', async () => {
      const result = await c.withLock(key(), async ({ extend, signal }) => {
        await extend();
        await extend();
        return signal.aborted;
      });
      expect(result).toBe(false);
    });

    it('reports healthy while open, and refuses work once closed', async () => {
      expect(await c.health()).toEqual({ ok: true });
      const other = await create();
      await other.close();
      expect((await other.health()).ok).toBe(false);
      await expect(other.withLock(key(), async () => 'closed')).rejects.toMatchObject({
        code: 'COORD_UNAVAILABLE',
      });
    });
  });
}
