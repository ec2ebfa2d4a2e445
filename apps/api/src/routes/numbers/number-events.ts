// GET …/numbers/:id/events: a live stream (SSE) of the number's status and, while linking, its QR.
// Workers report through the number's row plus NOTIFY `number_status` `{ numberId }`, which the
// stream follows (a ping every 15 s keeps proxies from closing it).
import { streamSSE } from 'hono/streaming';
import { NUMBER_STATUS_CHANNEL } from '@waflow/db';
import type { Deps } from '../../context.ts';
import type { RouteFn } from '../../routing/route.ts';
import { loadNumber } from './number-access.ts';

export function registerNumberEvents(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/numbers';
  const tag = 'Numbers';

  route({
    method: 'get',
    path: `${base}/:id/events`,
    access: 'numbers.events',
    tag,
    summary:
      'Live stream (SSE): `status` events with the number’s state, and `qr` events with the QR code to scan while linking',
    responses: [
      { status: 200, description: 'text/event-stream', contentType: 'text/event-stream' },
    ],
    handler: async (c) => {
      const ws = c.get('workspaceId');
      const first = await loadNumber(deps, ws, c.req.param('id'));
      return streamSSE(c, async (stream) => {
        let lastQr: string | null = null;
        let lastStatus = '';
        let pending = Promise.resolve();
        const push = async () => {
          const n = await loadNumber(deps, ws, first.id).catch(() => undefined);
          if (!n) {
            await stream.writeSSE({
              event: 'status',
              data: JSON.stringify({ id: first.id, status: 'removed' }),
            });
            stream.abort();
            return;
          }
          const { qr, qrUpdatedAt, ...view } = n;
          const statusKey = JSON.stringify(view);
          if (statusKey !== lastStatus) {
            lastStatus = statusKey;
            await stream.writeSSE({ event: 'status', data: statusKey });
          }
          if (qr && qr !== lastQr && n.status === 'qr')
            await stream.writeSSE({ event: 'qr', data: JSON.stringify({ qr, at: qrUpdatedAt }) });
          lastQr = qr;
        };
        const unlisten = await deps.client.listen(NUMBER_STATUS_CHANNEL, (payload) => {
          let id: unknown;
          try {
            id = (JSON.parse(payload) as { numberId?: unknown }).numberId;
          } catch {
            return;
          }
          if (id === first.id) pending = pending.then(push, push);
        });
        stream.onAbort(() => void unlisten());
        await push();
        while (!stream.aborted) {
          await stream.sleep(15_000);
          if (!stream.aborted) await stream.writeSSE({ event: 'ping', data: '{}' });
        }
        await unlisten();
      });
    },
  });
}
