// Reads and validates a JSON body: malformed JSON and wrong shapes get a 400 that says what to fix.
import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from './errors.ts';

export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new AppError(400, 'MALFORMED_JSON', 'The body is not valid JSON: check quotes, commas and brackets.');
  }
  return schema.parse(raw);
}
