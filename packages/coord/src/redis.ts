// Redis coordination for several processes and hosts: redlock locks renewed while held, fences
// issued only to the current holder.
// Meant for one Redis (or one primary): redlock's quorum over several is not used here.
import { randomBytes } from 'node:crypto';
import { Lock, Redlock } from '@sesamecare-oss/redlock';
import { Redis } from 'ioredis';
import {
  DEFAULT_TTL_MS,
  DEFAULT_WAIT_MS,
  type Coordinator,
  type CoordinatorEvents,
  type HeldLock,
  type LockOptions,
  type LockWaitOutcome,
} from './coordinator.ts';
import { CoordUnavailableError, LockLostError, LockTimeoutError } from './errors.ts';
import { createKeyQueue } from './key-queue.ts';

// Takes the lock and its fence in one step: sets KEYS[1] to our value unless someone holds it,
// then hands out the next fence, so fences follow the order locks were taken in. The fence never
// goes below the server clock in microseconds: it keeps growing after Redis lost its data, and
// the fence key can expire. (redlock's own acquire would need a second round trip for the fence;
// redlock still extends and releases the lock.)
const ACQUIRE_WITH_FENCE = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
local t = redis.call('TIME')
local floor = tonumber(t[1]) * 1000000 + tonumber(t[2])
local fence = math.max(tonumber(redis.call('GET', KEYS[2]) or '0') + 1, floor)
redis.call('SET', KEYS[2], string.format('%d', fence), 'PX', ARGV[3])
return fence`;

const FENCE_KEY_TTL_MS = 24 * 3600_000;
/** redlock's default clock drift allowance. */
const DRIFT_FACTOR = 0.01;
const FIRST_RETRY_MS = 20;
const MAX_RETRY_MS = 200;
const MIN_TTL_MS = 30;
const PING_TIMEOUT_MS = 1000;

export interface RedisCoordinatorOptions extends CoordinatorEvents {
  url: string;
  /** Key and channel prefix (default `waflow:`), so several installations can share a Redis. */
  prefix?: string;
  /** How long a call waits for a (re)connecting Redis before COORD_UNAVAILABLE. Default 1 s. */
  connectWaitMs?: number;
}

/** Exponential backoff with jitter (half fixed, half random), so waiters do not retry in step. */
function retryDelay(attempt: number): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createRedisCoordinator(opts: RedisCoordinatorOptions): Coordinator {
  const prefix = opts.prefix ?? 'waflow:';
  const connectWaitMs = opts.connectWaitMs ?? 1000;
  const where = redisHost(opts.url);
  // Fail fast while Redis is away (no offline queue) and reconnect by itself when it is back.
  const redis = new Redis(opts.url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // No enableAutoPipelining: with it, a command failing during a reconnect can end in an
    // uncaught TypeError inside ioredis (redis/ioredis#1931) — seen here in the kill test.
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  let lastError: unknown;
  redis.on('error', (err: unknown) => {
    lastError = err; // reported through health() and failing calls
  });
  const redlockSettings = { retryCount: 0 };
  const redlock = new Redlock([redis], redlockSettings);
  const waiters = createKeyQueue();
  let closed = false;

  function unavailable(err?: unknown): CoordUnavailableError {
    if (closed) return new CoordUnavailableError('The Redis coordinator was closed.');
    const why = err ?? lastError;
    return new CoordUnavailableError(
      `Redis at ${where} is not reachable (${redis.status}${why ? `: ${describe(why)}` : ''}); check REDIS_URL and that Redis runs. Retrying by itself.`,
      { cause: why },
    );
  }

  // Locks taken and released at the same moment (a batch of inbound messages scheduled together)
  // go to Redis in one write: the socket is corked until the current burst of callbacks is over.
  // Each command was a write syscall of its own, the largest part of the runtime's time in Redis
  // calls (bench:pipeline's CPU profile). (ioredis' enableAutoPipelining is not used, see above.)
  let corked = false;
  function coalesceWrites(): void {
    const stream = redis.stream as typeof redis.stream | undefined;
    if (corked || !stream || redis.status !== 'ready') return;
    corked = true;
    stream.cork();
    process.nextTick(() => {
      corked = false;
      stream.uncork();
    });
  }

  /** Waits up to `timeoutMs` for a (re)connecting client, then gives up with COORD_UNAVAILABLE. */
  async function ready(timeoutMs = connectWaitMs): Promise<void> {
    if (closed) throw unavailable();
    if (redis.status === 'ready') return;
    if (timeoutMs <= 0) throw unavailable();
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        redis.off('ready', onReady);
        reject(unavailable());
      }, timeoutMs);
      redis.once('ready', onReady);
    });
  }

  /** Takes the Redis lock and its fence, retrying with jitter until `deadline` (performance.now()). */
  async function acquire(
    key: string,
    ttl: number,
    waitMs: number,
    deadline: number,
  ): Promise<{ lock: Lock; fence: number }> {
    const lockKey = `${prefix}lock:${key}`;
    for (let attempt = 0; ; attempt += 1) {
      await ready(Math.min(connectWaitMs, deadline - performance.now()));
      const value = randomBytes(16).toString('hex');
      const start = Date.now();
      let fence: unknown;
      try {
        coalesceWrites();
        fence = await redis.eval(
          ACQUIRE_WITH_FENCE,
          2,
          lockKey,
          `${prefix}fence:${key}`,
          value,
          String(ttl),
          String(FENCE_KEY_TTL_MS),
        );
      } catch (err) {
        throw unavailable(err);
      }
      if (typeof fence === 'number') {
        // As redlock counts it: the time the call took and the clock drift come off the TTL.
        const expiration = start + ttl - (Math.round(DRIFT_FACTOR * ttl) + 2);
        return {
          lock: new Lock(redlock, [lockKey], value, [], expiration, redlockSettings),
          fence,
        };
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new LockTimeoutError(key, waitMs);
      await delay(Math.min(left, retryDelay(attempt)));
    }
  }

  return {
    kind: 'redis',
    async withLock<T>(
      key: string,
      fn: (lock: HeldLock) => Promise<T>,
      lockOpts: LockOptions = {},
    ): Promise<T> {
      if (closed) throw unavailable();
      const ttl = Math.max(MIN_TTL_MS, Math.round(lockOpts.ttlMs ?? DEFAULT_TTL_MS));
      const waitMs = lockOpts.waitMs ?? DEFAULT_WAIT_MS;
      const started = performance.now();
      const waited = (outcome: LockWaitOutcome) =>
        opts.onLockWait?.(performance.now() - started, outcome);
      // Waiters in this process queue here first: they enter in arrival order and only the
      // first of them polls Redis.
      let releaseLocal: () => void;
      let lock: Lock;
      let fence: number;
      try {
        releaseLocal = await waiters.acquire(key, waitMs);
      } catch (err) {
        waited('timeout');
        throw err;
      }
      try {
        ({ lock, fence } = await acquire(key, ttl, waitMs, started + waitMs));
      } catch (err) {
        releaseLocal();
        waited(err instanceof LockTimeoutError ? 'timeout' : 'unavailable');
        throw err;
      }
      waited('acquired');

      const lost = new AbortController();
      const loseIt = (cause?: unknown) => {
        if (!lost.signal.aborted) lost.abort(new LockLostError(key, { cause }));
      };
      // Aborts when the lock runs out without a successful renewal, even if Redis hangs.
      let expiry = setTimeout(loseIt, Math.max(0, lock.expiration - Date.now()));
      let finished = false;
      let renewals: Promise<void> = Promise.resolve();
      const extend = (): Promise<void> => {
        const run = renewals.then(async () => {
          if (lost.signal.aborted) throw lost.signal.reason;
          if (finished) return;
          try {
            lock = await lock.extend(ttl);
          } catch (err) {
            loseIt(err);
            throw lost.signal.reason;
          }
          clearTimeout(expiry);
          expiry = setTimeout(loseIt, Math.max(0, lock.expiration - Date.now()));
        });
        renewals = run.catch(() => undefined);
        return run;
      };
      const autoExtend = lockOpts.autoExtend ?? true;
      const renew = autoExtend
        ? setInterval(
            () => {
              extend().catch(() => clearInterval(renew));
            },
            Math.max(MIN_TTL_MS / 3, Math.floor(ttl / 3)),
          )
        : undefined;

      try {
        return await fn({ fence, signal: lost.signal, extend });
      } finally {
        finished = true;
        clearInterval(renew);
        await renewals;
        clearTimeout(expiry);
        // Redis away: the lock expires by its TTL instead.
        coalesceWrites();
        await lock.release().catch(() => undefined);
        releaseLocal();
      }
    },
    async health() {
      if (closed) return { ok: false, detail: 'the Redis coordinator was closed' };
      if (redis.status !== 'ready') return { ok: false, detail: unavailable().message };
      let timer: NodeJS.Timeout | undefined;
      try {
        const pong = await Promise.race([
          redis.ping(),
          new Promise<string>((resolve) => {
            timer = setTimeout(() => resolve('timeout'), PING_TIMEOUT_MS);
          }),
        ]);
        return pong === 'PONG'
          ? { ok: true }
          : {
              ok: false,
              detail: `Redis at ${where} did not answer PING within ${PING_TIMEOUT_MS} ms`,
            };
      } catch (err) {
        return { ok: false, detail: unavailable(err).message };
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}

/** host:port of a Redis URL, for messages (never the password). */
function redisHost(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return 'the configured address';
  }
}
