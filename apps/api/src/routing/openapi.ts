// The OpenAPI 3.1 document at /api/openapi.json and the readable page at /api/docs, both built
// from the route registry (the zod schemas the routes validate with) and the webhook event
// schemas in schemas/webhooks — no second hand-kept copy.
import { z } from 'zod/v4';
import { permissions } from '../auth/permissions.ts';
import { registry, type RouteMeta } from './route.ts';

type Json = Record<string, unknown>;

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string', description: 'What went wrong and what to change.' },
        details: {},
      },
    },
  },
} satisfies Json;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Json;
  delete out.$schema;
  return out;
}

const openApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, '{$1}');

function accessText(r: RouteMeta): string {
  if (r.access === 'public') return 'public';
  if (r.access === 'user') return 'any signed-in user';
  if (r.access === 'apiKey') return 'integrator API key';
  return `workspace role ${permissions[r.access]} or higher`;
}

function operation(r: RouteMeta): Json {
  const params: Json[] = [...r.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (r.query) {
    const q = jsonSchema(r.query, 'input') as {
      properties?: Record<string, Json>;
      required?: string[];
    };
    for (const [name, s] of Object.entries(q.properties ?? {}))
      params.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema: s });
  }
  for (const [name, h] of Object.entries(r.headers ?? {}))
    params.push({
      name,
      in: 'header',
      required: h.required ?? false,
      description: h.description,
      schema: { type: 'string' },
    });

  const responses: Json = {};
  for (const res of r.responses ?? [{ status: 200, description: 'OK' }]) {
    responses[String(res.status)] = {
      description: res.description,
      ...(res.schema || res.contentType
        ? {
            content: {
              [res.contentType ?? 'application/json']: {
                schema: res.schema ? jsonSchema(res.schema, 'output') : { type: 'string' },
              },
            },
          }
        : {}),
    };
  }
  responses.default = {
    description: 'An error: `{ error: { code, message, details } }`',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };

  return {
    operationId: `${r.method}${r.path.replace(/\/api\/v1/, '').replace(/[:/{}-]+(\w)?/g, (_m, ch: string | undefined) => (ch ? ch.toUpperCase() : ''))}`,
    tags: [r.tag],
    summary: r.summary,
    description: [r.description, `Access: ${accessText(r)}.`].filter(Boolean).join('\n\n'),
    ...(params.length ? { parameters: params } : {}),
    ...(r.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(r.body, 'input') } },
          },
        }
      : {}),
    responses,
    ...(r.access === 'public'
      ? { security: [] }
      : r.access === 'apiKey'
        ? { security: [{ apiKey: [] }] }
        : { security: [{ accessToken: [] }] }),
  };
}

export interface WebhookEventSchema {
  name: string;
  schema: Json;
}

export function openApiDocument(webhookEvents: WebhookEventSchema[] = []): Json {
  const paths: Record<string, Json> = {};
  for (const r of registry) {
    const p = (paths[openApiPath(r.path)] ??= {});
    p[r.method] = operation(r);
  }
  const webhooks: Record<string, Json> = {};
  for (const e of webhookEvents) {
    webhooks[e.name] = {
      post: {
        summary: `${e.name} event`,
        description: typeof e.schema.description === 'string' ? e.schema.description : undefined,
        requestBody: { content: { 'application/json': { schema: e.schema } } },
        responses: { '2XX': { description: 'Received: any 2xx acknowledges the delivery.' } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'waflow API',
      version: '1',
      description:
        'Admin API (Bearer access token from /api/v1/auth/login) and integrator API (Bearer wf_… API key). Errors are `{ error: { code, message, details } }`; lists take `limit` and `cursor` and answer `{ items, nextCursor }`. Webhooks are signed per Standard Webhooks v1.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(registry.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    webhooks,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        accessToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'Access token from /api/v1/auth/login or /api/v1/auth/refresh.',
        },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An integrator API key (wf_…), created under Settings → API keys.',
        },
      },
    },
  };
}

const esc = (s: string) =>
  s.replace(
    /[&<>"]/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch,
  );

/** A self-contained page (no CDN: the product runs offline) listing every operation. */
export function docsPage(doc: Json): string {
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags as string[])[0] ?? 'other';
      const params = (op.parameters as Json[] | undefined) ?? [];
      const body = (op.requestBody as { content: Record<string, { schema: Json }> } | undefined)
        ?.content['application/json']?.schema;
      const html = `<details><summary><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code> — ${esc(String(op.summary))}</summary>
<p>${esc(String(op.description ?? '')).replace(/\n/g, '<br>')}</p>
${params.length ? `<h4>Parameters</h4><ul>${params.map((p) => `<li><code>${esc(String(p.name))}</code> (${esc(String(p.in))}${p.required ? ', required' : ''})${p.description ? ` — ${esc(String(p.description))}` : ''}</li>`).join('')}</ul>` : ''}
${body ? `<h4>Body</h4><pre>${esc(JSON.stringify(body, null, 2))}</pre>` : ''}</details>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const webhooks = Object.keys((doc.webhooks as Json | undefined) ?? {});
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>waflow API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1f2937}h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #e5e7eb}details{border:1px solid #e5e7eb;border-radius:8px;margin:.4rem 0;padding:.4rem .8rem}summary{cursor:pointer}pre{background:#f8fafc;padding:.6rem;border-radius:6px;overflow:auto;font-size:12px}.m{display:inline-block;min-width:4.2em;font:600 12px monospace;padding:2px 6px;border-radius:4px;color:#fff;text-align:center}.get{background:#2563eb}.post{background:#16a34a}.put{background:#d97706}.patch{background:#7c3aed}.delete{background:#dc2626}</style></head>
<body><h1>waflow API</h1><p>${esc(String((doc.info as Json).description))}</p><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
${[...byTag].map(([tag, ops]) => `<h2>${esc(tag)}</h2>${ops.join('\n')}`).join('\n')}
${webhooks.length ? `<h2>Webhook events</h2><ul>${webhooks.map((w) => `<li><code>${esc(w)}</code></li>`).join('')}</ul>` : ''}
</body></html>`;
}
