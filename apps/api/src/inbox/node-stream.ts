// An inbox event stream written straight to Node's response (under @hono/node-server, which
// `npm start` serves with): each event batch is one socket write, with no per-stream task or
// promise, so one process holds thousands of streams. A client whose unsent bytes pass
// `maxBuffered` is dropped. Elsewhere (app.request in tests) routes/events uses Hono's streamSSE.
import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { AppEnv } from '../context.ts';
import type { EventHub } from './event-hub.ts';
import type { InboxEvent } from './read-events.ts';

export function nodeResponseOf(c: Context<AppEnv>): ServerResponse | undefined {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null || !('outgoing' in env)) return undefined;
  const out = (env as { outgoing: unknown }).outgoing;
  return out && typeof out === 'object' && 'writeHead' in out ? (out as ServerResponse) : undefined;
}

export async function serveNodeStream(
  c: Context<AppEnv>,
  out: ServerResponse,
  hub: EventHub,
  opts: { workspaceId: string; userId: string; lastSeq: number | undefined; maxBuffered: number },
): Promise<Response> {
  const headers: Record<string, string> = {};
  // What the middleware set so far (request id, CORS) goes out with the stream's head.
  c.res.headers.forEach((v, k) => {
    if (k !== 'content-type' && k !== 'content-length') headers[k] = v;
  });
  out.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let held: InboxEvent[] | null = [];
  // Keeps proxies from closing a quiet stream.
  const ping = setInterval(() => {
    if (!held && !out.destroyed) out.write('event: ping\ndata: {}\n\n');
  }, 15_000);
  ping.unref();
  let leave = () => {};
  const end = () => {
    clearInterval(ping);
    leave();
    if (!out.writableEnded) out.end();
  };
  const write = (events: InboxEvent[]) => {
    if (out.destroyed) return true;
    // Still more than the limit unsent from before: this client is not reading. (A burst bigger
    // than the limit is fine for a client that reads it: at most the limit plus one page waits.)
    if (out.writableLength > opts.maxBuffered) return false;
    const frames = events.map((e) => e.frame);
    out.write(frames.length === 1 && frames[0] ? frames[0] : Buffer.concat(frames));
    return true;
  };
  out.on('close', end);
  // A client gone mid-write: the close above cleans up; nothing to report.
  out.on('error', () => {});
  const joined = await hub.join(
    opts.workspaceId,
    {
      userId: opts.userId,
      deliver: (events) => {
        if (held) {
          held.push(...events);
          return true;
        }
        return write(events);
      },
      drop: () => out.destroy(),
    },
    opts.lastSeq,
  );
  leave = joined.leave;
  if (out.destroyed) {
    end();
    return RESPONSE_ALREADY_SENT;
  }
  out.write(
    `event: ready\nid: ${joined.start}\ndata: ${JSON.stringify({ seq: joined.start, reset: joined.reset })}\n\n`,
  );
  const replay = held;
  held = null;
  if (replay.length && !write(replay)) out.destroy();
  return RESPONSE_ALREADY_SENT;
}
