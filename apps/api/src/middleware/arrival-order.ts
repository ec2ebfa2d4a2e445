// Keeps the requests for one key (a simulator session) in the order they arrived: each is stamped
// and takes its place on arrival, before any lookup, and waits for the ones before it only where
// it hands over (`arrival.turn`), so the lookups of parallel requests still overlap.
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';

export interface Arrival {
  /** Date.now() when the request arrived. */
  at: number;
  /** Resolves once every request for the same key that arrived before this one has ended. */
  turn: Promise<void>;
}

export function arrivalOrder(
  keyOf: (c: Context<AppEnv>) => string | undefined,
): MiddlewareHandler<AppEnv> {
  /** Per key, the end of the last request in line. */
  const tails = new Map<string, Promise<void>>();
  return async function arrivalOrderMiddleware(c, next) {
    const at = Date.now();
    const key = keyOf(c) ?? '';
    const before = tails.get(key) ?? Promise.resolve();
    let done = () => {};
    const mine = new Promise<void>((resolve) => {
      done = resolve;
    });
    const tail = before.then(() => mine);
    tails.set(key, tail);
    c.set('arrival', { at, turn: before });
    try {
      await next();
    } finally {
      done();
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
    }
  };
}
