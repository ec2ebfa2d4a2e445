// pino, structured; never message bodies or secrets at info level. JSON lines by default (for
// log collectors and `pm2 logs`); LOG_FORMAT=pretty (set by `npm run dev`) prints them readable.
// A failed query is logged as its code and statement only (log-errors.ts).
import pino from 'pino';
import pretty from 'pino-pretty';
import { serializeError } from '@waflow/telemetry';

export type Logger = pino.Logger;

export function createLogger(
  opts: {
    level?: string;
    name?: string;
    format?: string;
    destination?: NodeJS.WritableStream;
  } = {},
): Logger {
  const options = {
    name: opts.name ?? 'waflow-runtime',
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    serializers: { err: serializeError },
  };
  const format = opts.format ?? process.env.LOG_FORMAT ?? 'json';
  if (format === 'pretty')
    return pino(
      options,
      pretty({
        colorize: !opts.destination && process.stdout.isTTY,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname',
        sync: true,
        ...(opts.destination ? { destination: opts.destination } : {}),
      }),
    );
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
