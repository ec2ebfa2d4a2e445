// The request body as bytes, for the routes that verify a provider's signature over it and for an
// inbox attachment (the file is the body). Under
// @hono/node-server it is read straight from the Node request (`c.env.incoming`): building the
// web Request and its stream only to read the bytes cost the webhook route a third of its CPU
// (bench:cloud-api). Elsewhere (app.request in tests) through the web Request.
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { AppEnv } from '../context.ts';
import { AppError } from '../errors.ts';

function nodeRequest(c: Context<AppEnv>): IncomingMessage | undefined {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return undefined;
  const incoming = (env as { incoming: unknown }).incoming;
  return typeof incoming === 'object' && incoming !== null && 'readableEnded' in incoming
    ? (incoming as IncomingMessage)
    : undefined;
}

/**
 * At most `maxBytes`, else `tooLarge()` is thrown (a 413 naming the limit in KB unless the route
 * words its own: an inbox attachment names its MB).
 */
export async function rawBody(
  c: Context<AppEnv>,
  maxBytes: number,
  tooLarge: () => AppError = () =>
    new AppError(
      413,
      'BODY_TOO_LARGE',
      `The body is larger than ${maxBytes / 1024} KB: send less at once.`,
    ),
): Promise<Uint8Array> {
  const incoming = nodeRequest(c);
  if (!incoming || incoming.readableEnded) {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength > maxBytes) throw tooLarge();
    return bytes;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
