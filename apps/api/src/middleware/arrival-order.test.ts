// Requests for one key hand over in the order they arrived, whatever their lookups take; a
// request that ends early (refused, failed) gives its place up; other keys never wait.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../context.ts';
import { arrivalOrder } from './arrival-order.ts';

function appWithLine(lookup: (name: string) => Promise<void>) {
  const handedOver: string[] = [];
  const app = new Hono<AppEnv>();
  app.onError((err, c) => c.text(err.message, 500));
  app.post(
    '/:key/:name',
    arrivalOrder((c) => c.req.param('key')),
    async (c) => {
      const name = c.req.param('name');
      await lookup(name);
      await c.get('arrival').turn;
      handedOver.push(name);
      return c.text('ok');
    },
  );
  const send = (path: string) => app.request(path, { method: 'POST' });
  return { handedOver, send };
}

/** A promise and the function that resolves it. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('arrival order', () => {
  it('hands over in arrival order when an earlier request’s lookup finishes last', async () => {
    const slow = gate();
    const { handedOver, send } = appWithLine((name) =>
      name === 'a' ? slow.opened : Promise.resolve(),
    );
    const requests = [send('/s/a'), send('/s/b'), send('/s/c')];
    // b and c are waiting on a; a request for another key does not.
    expect((await send('/other/x')).status).toBe(200);
    expect(handedOver).toEqual(['x']);
    slow.open();
    await Promise.all(requests);
    expect(handedOver).toEqual(['x', 'a', 'b', 'c']);
  });

  it('lets the next request go when an earlier one fails', async () => {
    const { handedOver, send } = appWithLine(async (name) => {
      if (name === 'a') throw new Error('refused');
    });
    const [a, b] = await Promise.all([send('/s/a'), send('/s/b')]);
    expect([a.status, b.status]).toEqual([500, 200]);
    expect(handedOver).toEqual(['b']);
  });
});
