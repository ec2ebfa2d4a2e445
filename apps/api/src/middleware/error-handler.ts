// Turns every failure into `{ error: { code, message, details } }` with the right status; an
// unexpected one is logged with the request id and answered without internals (a failed query
// as its Postgres code and statement, never its parameters or message: loggableError).
import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod/v4';
import { loggableError } from '@waflow/telemetry';
import type { AppEnv } from '../context.ts';
import { AppError } from '../errors.ts';

export function errorHandler(): ErrorHandler<AppEnv> {
  return function handleError(err, c) {
    if (err instanceof AppError) {
      return c.json(
        {
          error: {
            code: err.code,
            message: err.message,
            ...(err.details === undefined ? {} : { details: err.details }),
          },
        },
        err.status,
      );
    }
    if (err instanceof ZodError) {
      const details = err.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
      const first = details[0];
      return c.json(
        {
          error: {
            code: 'INVALID_REQUEST',
            message: first
              ? `${first.field || 'body'}: ${first.message}`
              : 'the request is not valid',
            details,
          },
        },
        400,
      );
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code =
        status === 413 ? 'BODY_TOO_LARGE' : status === 401 ? 'UNAUTHENTICATED' : 'HTTP_ERROR';
      return c.json({ error: { code, message: err.message || 'request refused' } }, status);
    }
    c.get('log')?.error({ err: loggableError(err) }, 'unexpected error');
    return c.json(
      {
        error: {
          code: 'INTERNAL',
          message: `Something went wrong on our side. Quote request id ${c.get('requestId') ?? ''} when you report it.`,
        },
      },
      500,
    );
  };
}
