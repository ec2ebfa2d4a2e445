// The address a request came from, for throttling: the TCP peer as the Node server saw it, never
// a forwarded header a client can write itself. (Behind a reverse proxy every request has the
// proxy's address; honouring X-Forwarded-For from configured proxies belongs here alone.)
import type { Context } from 'hono';

export function clientAddress(c: Context): string {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return 'unknown';
  const incoming: unknown = env.incoming;
  if (typeof incoming !== 'object' || incoming === null || !('socket' in incoming))
    return 'unknown';
  const socket: unknown = incoming.socket;
  const address =
    typeof socket === 'object' && socket !== null && 'remoteAddress' in socket
      ? socket.remoteAddress
      : undefined;
  return typeof address === 'string' && address ? address : 'unknown';
}
