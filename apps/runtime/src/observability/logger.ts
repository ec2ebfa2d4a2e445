// pino, structured; never message bodies or secrets at info level.
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(opts: { level?: string; name?: string } = {}): Logger {
  return pino({ name: opts.name ?? 'waflow-runtime', level: opts.level ?? process.env.LOG_LEVEL ?? 'info' });
}
