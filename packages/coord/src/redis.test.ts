import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { startRedis } from '@waflow/testkit';
import { runContract } from './coordinator.case.test.ts';
import { createRedisCoordinator } from './redis.ts';

const run = Date.now();
runContract({
  name: 'redis',
  create: (events) =>
    createRedisCoordinator({ ...events, url: inject('redisUrl'), prefix: `contract${run}:` }),
});

/** Polls `probe` until it gives a value, at most `timeoutMs`. */
async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function aborted(signal: AbortSignal): Promise<unknown> {
  return signal.aborted
    ? Promise.resolve(signal.reason)
    : new Promise((r) => signal.addEventListener('abort', () => r(signal.reason), { once: true }));
}

describe('redis coordination, beyond the contract', () => {
  let raw: Redis;
  beforeAll(() => {
    raw = new Redis(inject('redisUrl'));
  });
  afterAll(() => raw.disconnect());

  it('lets a new holder take a lock whose holder stalled past the TTL, with a higher fence, and the stalled one cannot extend', async () => {
    const prefix = `stale${Date.now()}:`;
    const stalled = createRedisCoordinator({ url: inject('redisUrl'), prefix });
    const newer = createRedisCoordinator({ url: inject('redisUrl'), prefix });
    try {
      await stalled.withLock(
        'conv',
        async ({ fence, signal, extend }) => {
          // The holder stops renewing (as a paused process would): its signal aborts at the TTL...
          expect(await aborted(signal)).toMatchObject({ code: 'LOCK_LOST' });
          // ...and another process takes the conversation over, with a higher fence (the
          // checkpoint in Postgres refuses the stalled holder's write for it).
          const newFence = await newer.withLock('conv', async (lock) => lock.fence, {
            waitMs: 5_000,
          });
          expect(newFence).toBeGreaterThan(fence);
          await expect(extend()).rejects.toMatchObject({ code: 'LOCK_LOST' });
        },
        { ttlMs: 200, autoExtend: false },
      );
    } finally {
      await stalled.close();
      await newer.close();
    }
  });

  it("aborts the holder's signal when its lock is taken away from under it", async () => {
    const prefix = `taken${Date.now()}:`;
    const c = createRedisCoordinator({ url: inject('redisUrl'), prefix });
    try {
      const reason = await c.withLock(
        'k',
        async ({ signal }) => {
          await raw.del(`${prefix}lock:k`);
          await raw.set(`${prefix}lock:k`, 'someone-else', 'PX', 10_000);
          return aborted(signal);
        },
        { ttlMs: 300 },
      );
      expect(reason).toMatchObject({ code: 'LOCK_LOST' });
      // The other owner's lock was left alone.
      expect(await raw.get(`${prefix}lock:k`)).toBe('someone-else');
    } finally {
      await c.close();
    }
  });

  it('keeps a lock renewed while its holder runs longer than the TTL', async () => {
    const prefix = `renew${Date.now()}:`;
    const c = createRedisCoordinator({ url: inject('redisUrl'), prefix });
    const contender = createRedisCoordinator({ url: inject('redisUrl'), prefix });
    try {
      let contenderIn = false;
      let second: Promise<number> | undefined;
      const first = await c.withLock(
        'k',
        async ({ fence, signal }) => {
          second = contender.withLock(
            'k',
            async (lock) => {
              contenderIn = true;
              return lock.fence;
            },
            { waitMs: 20_000 },
          );
          // Watch the lock's expiry being pushed back several times: well past one TTL.
          let last = await raw.pttl(`${prefix}lock:k`);
          let renewals = 0;
          await eventually(async () => {
            const now = await raw.pttl(`${prefix}lock:k`);
            if (now > last) renewals += 1;
            last = now;
            return renewals >= 4 ? true : undefined;
          }, 'four renewals');
          expect(contenderIn).toBe(false);
          expect(signal.aborted).toBe(false);
          return fence;
        },
        { ttlMs: 300 },
      );
      expect(await second).toBeGreaterThan(first);
    } finally {
      await c.close();
      await contender.close();
    }
  });

  it('keeps fences growing after Redis lost the fence counter', async () => {
    const prefix = `lost${Date.now()}:`;
    const c = createRedisCoordinator({ url: inject('redisUrl'), prefix });
    try {
      const before = await c.withLock('k', async ({ fence }) => fence);
      await raw.del(`${prefix}fence:k`);
      const after = await c.withLock('k', async ({ fence }) => fence);
      expect(after).toBeGreaterThan(before);
      expect(Number.isSafeInteger(after)).toBe(true);
    } finally {
      await c.close();
    }
  });

  it('reports Redis going away with a clear error, and recovers by itself when it is back', async () => {
    const server = await startRedis();
    const c = createRedisCoordinator({ url: server.url });
    try {
      const fenceBefore = await c.withLock('k', async ({ fence }) => fence);
      await server.stop();

      const health = await eventually(async () => {
        const h = await c.health();
        return h.ok ? undefined : h;
      }, 'health to report the outage');
      expect(health.detail).toContain(`127.0.0.1:${server.port}`);
      await expect(c.withLock('k', async () => 'down')).rejects.toMatchObject({
        code: 'COORD_UNAVAILABLE',
      });

      await server.start(); // empty: this Redis keeps nothing on disk
      await eventually(async () => ((await c.health()).ok ? true : undefined), 'health to recover');
      const fenceAfter = await c.withLock('k', async ({ fence }) => fence);
      expect(fenceAfter).toBeGreaterThan(fenceBefore);
    } finally {
      await c.close();
      await server.stop();
    }
  });
});
