// `npm start` takes its port before anything else (migrations, the runtime, number workers): a
// port in use is one line saying which variable to set, not a stack trace once all is started.
// The port is held from then on, answering 503 while starting, so nothing can take it meanwhile.
import { createServer, type RequestListener, type Server } from 'node:http';

/** The port cannot be listened on; `message` is the one line to print. */
export class PortUnavailableError extends Error {
  readonly code = 'PORT_UNAVAILABLE';
}

export interface HeldPort {
  server: Server;
  /** The address and port listened on. */
  address: string;
  port: number;
  /** Hands the requests to `listener` from now on (until then they answer 503). */
  serve(listener: RequestListener): void;
}

function unavailable(err: NodeJS.ErrnoException, port: number, host: string): Error {
  switch (err.code) {
    case 'EADDRINUSE':
      return new PortUnavailableError(
        `Port ${port} on ${host} is already in use (another waflow, or another program): set PORT to a free port (e.g. PORT=${port === 65535 ? 3001 : port + 1}), or HOST to another address.`,
      );
    case 'EACCES':
      return new PortUnavailableError(
        `Port ${port} needs privileges this process does not have: set PORT to 1024 or above (e.g. PORT=3000), or serve port ${port} through a reverse proxy.`,
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new PortUnavailableError(
        `HOST=${host} is not an address of this machine: set HOST to one of its addresses (127.0.0.1 for this machine only, 0.0.0.0 for every interface).`,
      );
    default:
      return err;
  }
}

const STARTING = JSON.stringify({
  error: {
    code: 'STARTING',
    message: 'waflow is starting (database migrations, the runtime): try again in a few seconds.',
    details: null,
  },
});

/** Listens on `host`:`port` now; rejects with a PortUnavailableError when that cannot be. */
export function holdPort(port: number, host: string): Promise<HeldPort> {
  let listener: RequestListener | undefined;
  const server = createServer((req, res) => {
    if (listener) return void listener(req, res);
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '2' });
    res.end(STARTING);
  });
  return new Promise((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => reject(unavailable(err, port, host));
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      const info = server.address();
      resolve({
        server,
        address: typeof info === 'object' && info ? info.address : host,
        port: typeof info === 'object' && info ? info.port : port,
        serve(l) {
          listener = l;
        },
      });
    });
  });
}
