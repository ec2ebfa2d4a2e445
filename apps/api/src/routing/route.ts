// Every API route is declared here through `defineRoutes`: its method and path, who may call it
// (public, any signed-in user, a workspace permission from the permission table, or an
// integrator's API key), the zod schemas its body and query are validated with, and its summary.
// The same declarations feed the OpenAPI document (`openapi.ts`) and the route × role test, so
// the docs cannot drift from what the routes accept.
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { z } from 'zod/v4';
import type { Permission } from '../auth/permissions.ts';
import type { AppEnv, Deps } from '../context.ts';
import { AppError } from '../errors.ts';
import { requireApiKey } from '../middleware/api-key.ts';
import { requireRole, requireUser } from '../middleware/auth.ts';
import { checkJsonValue, checkQuery } from './input-text.ts';

export type Access = 'public' | 'user' | 'apiKey' | Permission;
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  status: number;
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json; e.g. text/csv or text/event-stream. */
  contentType?: string;
}

export interface RouteSpec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  method: Method;
  /** Hono path, e.g. `/api/v1/workspaces/:ws/flows/:id`. */
  path: string;
  access: Access;
  tag: string;
  summary: string;
  description?: string;
  body?: B;
  query?: Q;
  /** Run before the access checks (the simulator stamps a message on arrival: arrival-order.ts). */
  first?: MiddlewareHandler<AppEnv>[];
  /** Request headers worth documenting (If-Match, Idempotency-Key). */
  headers?: Record<string, { description: string; required?: boolean }>;
  responses?: ResponseSpec[];
  handler: (
    c: Context<AppEnv>,
    input: {
      body: B extends z.ZodType ? z.output<B> : undefined;
      query: Q extends z.ZodType ? z.output<Q> : undefined;
    },
  ) => Response | Promise<Response>;
}

/** What the OpenAPI generator and the role-matrix test read. */
export type RouteMeta = Omit<
  RouteSpec<z.ZodType | undefined, z.ZodType | undefined>,
  'handler' | 'first'
>;

export const registry: RouteMeta[] = [];

async function readJson(c: Context<AppEnv>): Promise<unknown> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new AppError(
      400,
      'MALFORMED_JSON',
      'The body is not valid JSON: check quotes, commas and brackets.',
    );
  }
  checkJsonValue(body);
  return body;
}

function readQuery(c: Context<AppEnv>): Record<string, string> {
  const query = c.req.query();
  checkQuery(query);
  return query;
}

function accessMiddleware(deps: Deps, access: Access): MiddlewareHandler<AppEnv>[] {
  if (access === 'public') return [];
  if (access === 'apiKey') return [requireApiKey(deps)];
  if (access === 'user') return [requireUser(deps)];
  return [requireUser(deps), requireRole(deps, access)];
}

/** Registers routes on the app and records them in the registry (once per path and method). */
export function defineRoutes(app: Hono<AppEnv>, deps: Deps) {
  return function route<
    B extends z.ZodType | undefined = undefined,
    Q extends z.ZodType | undefined = undefined,
  >(spec: RouteSpec<B, Q>): void {
    const { handler, first = [], ...meta } = spec;
    if (!registry.some((r) => r.method === meta.method && r.path === meta.path))
      registry.push(meta as RouteMeta);
    app.on(
      meta.method.toUpperCase(),
      [meta.path],
      ...first,
      ...accessMiddleware(deps, meta.access),
      async (c) => {
        const body = meta.body ? meta.body.parse(await readJson(c)) : undefined;
        const query = meta.query ? meta.query.parse(readQuery(c)) : undefined;
        return handler(c, { body, query } as Parameters<typeof handler>[1]);
      },
    );
  };
}

export type RouteFn = ReturnType<typeof defineRoutes>;

/** Keyset pagination query shared by the lists. */
export const pageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1, 'limit is at least 1')
    .max(100, 'limit is at most 100')
    .default(50),
  cursor: z.string().max(200).optional(),
});

/** `{ items, nextCursor }` for a list of `item`. */
export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
