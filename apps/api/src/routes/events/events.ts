// GET …/workspaces/:ws/events: the workspace's live inbox events (SSE). Each event's `id` is its
// seq in the workspace's log; reconnecting with `Last-Event-ID` (or `?lastEventId=`) replays what
// came since, each event once. First comes `ready` with the seq the stream starts after
// (`reset: true` when the asked id was older than the log keeps: refetch, then follow from it).
import { streamSSE } from 'hono/streaming';
import { z } from 'zod/v4';
import type { Deps } from '../../context.ts';
import type { EventHub } from '../../inbox/event-hub.ts';
import { nodeResponseOf, serveNodeStream } from '../../inbox/node-stream.ts';
import type { InboxEvent } from '../../inbox/read-events.ts';
import type { RouteFn } from '../../routing/route.ts';

const eventsQuery = z.object({
  lastEventId: z
    .string()
    .regex(/^\d{1,15}$/, 'lastEventId is the id of the last event received (digits)')
    .optional(),
});

function lastSeqOf(header: string | undefined, query: string | undefined): number | undefined {
  const v = header && /^\d{1,15}$/.test(header.trim()) ? header.trim() : query;
  return v === undefined ? undefined : Number(v);
}

export function registerEvents(route: RouteFn, _deps: Deps, hub: EventHub): void {
  route({
    method: 'get',
    path: '/api/v1/workspaces/:ws/events',
    access: 'inbox.events',
    tag: 'Inbox',
    summary:
      'Live stream (SSE) of the workspace’s inbox: `inbox` events for messages in and out, delivery statuses, conversations opened, handed off, released, assigned or ended, and numbers’ status',
    query: eventsQuery,
    headers: {
      'Last-Event-ID': { description: 'The id of the last event received: replay from there' },
    },
    responses: [
      { status: 200, description: 'text/event-stream', contentType: 'text/event-stream' },
    ],
    handler: async (c, { query }) => {
      const workspaceId = c.get('workspaceId');
      const userId = c.get('userId');
      const lastSeq = lastSeqOf(c.req.header('last-event-id'), query.lastEventId);
      const out = nodeResponseOf(c);
      if (out)
        return serveNodeStream(c, out, hub, {
          workspaceId,
          userId,
          lastSeq,
          maxBuffered: hub.maxBufferedBytes,
        });
      return streamSSE(c, async (stream) => {
        const queue: InboxEvent[] = [];
        let wake: (() => void) | undefined;
        let dropped = false;
        const joined = await hub.join(
          workspaceId,
          {
            userId,
            deliver: (events) => {
              queue.push(...events);
              wake?.();
              return queue.length <= hub.maxQueue;
            },
            drop: () => {
              dropped = true;
              queue.length = 0;
              stream.abort();
              wake?.();
            },
          },
          lastSeq,
        );
        stream.onAbort(() => {
          joined.leave();
          wake?.();
        });
        await stream.writeSSE({
          event: 'ready',
          id: String(joined.start),
          data: JSON.stringify({ seq: joined.start, reset: joined.reset }),
        });
        while (!stream.aborted && !dropped) {
          if (!queue.length) {
            let timer: ReturnType<typeof setTimeout> | undefined;
            const woke = await new Promise<boolean>((r) => {
              wake = () => r(true);
              timer = setTimeout(() => r(false), 15_000);
            });
            clearTimeout(timer);
            wake = undefined;
            if (!woke && !stream.aborted) await stream.writeSSE({ event: 'ping', data: '{}' });
            continue;
          }
          // Everything waiting goes out in one write (one chunk for a burst of events).
          const frames = queue.splice(0).map((e) => e.frame);
          await stream.write(frames.length === 1 && frames[0] ? frames[0] : Buffer.concat(frames));
        }
        joined.leave();
      });
    },
  });
}
