// pino, structured; never message bodies or secrets at info level. JSON lines by default (for
// log collectors and `pm2 logs`); LOG_FORMAT=pretty (set by `npm run dev`) prints them readable.
// A failed query is logged as its code and statement only (log-errors.ts). A key is written once
// per line: code shared by many numbers names the number on each call, and a number worker's
// logger has it bound already.
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
  const options: pino.LoggerOptions = {
    name: opts.name ?? 'waflow-runtime',
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    serializers: { err: serializeError },
    hooks: { logMethod: withoutBoundRepeats },
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

/**
 * `log` with `numberId` bound once: a logger that has it already (a number worker's, handed to
 * its runtime and channel) is returned as it is, so child loggers never repeat the key.
 */
export function bindNumber(log: Logger, numberId: string): Logger {
  return log.bindings().numberId === numberId ? log : log.child({ numberId });
}

/**
 * Drops from a line's fields those the logger has bound to the same value (the runtime's
 * `{ numberId }` in a number worker): pino writes bindings and fields side by side, so the key
 * would appear twice in the line.
 */
function withoutBoundRepeats(
  this: pino.Logger,
  args: Parameters<pino.LogFn>,
  method: pino.LogFn,
): void {
  const fields: unknown = args[0];
  if (typeof fields === 'object' && fields !== null && !(fields instanceof Error)) {
    const bound = this.bindings();
    let kept: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(fields))
      if (k in bound && bound[k] === v) {
        kept ??= { ...fields };
        delete kept[k];
      }
    if (kept) args[0] = kept;
  }
  method.apply(this, args);
}
