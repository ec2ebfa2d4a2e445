// The OpenAPI document and the docs page come from the route declarations: every declared route
// is documented with its parameters, body schema and security, and the webhook events are listed.
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createKeyring } from '@waflow/db';
import { createApp } from '../app.ts';
import type { Deps } from '../context.ts';
import { registry } from './route.ts';

type Json = Record<string, unknown>;

describe('the API description', () => {
  const app = createApp({
    keyring: createKeyring({ k1: randomBytes(32) }, 'k1'),
    log: pino({ level: 'silent' }),
  } as Deps);

  it('documents every declared route in OpenAPI 3.1 from the schemas the routes validate with', async () => {
    const doc = (await (await app.request('/api/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, Json>>;
      webhooks: Record<string, Json>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const r of registry) {
      const op = doc.paths[r.path.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[r.method];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op?.summary).toBe(r.summary);
      if (r.body) expect(op?.requestBody, `${r.method} ${r.path} body`).toBeDefined();
    }
    const ids = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);

    const setup = doc.paths['/api/v1/setup']?.post as {
      security: unknown[];
      requestBody: {
        content: {
          'application/json': { schema: { required: string[]; properties: Record<string, Json> } };
        };
      };
    };
    expect(setup.security).toEqual([]);
    expect(setup.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['email', 'password', 'name', 'workspaceName']),
    );
    expect(setup.requestBody.content['application/json'].schema.properties.password).toMatchObject({
      type: 'string',
      minLength: 10,
    });

    const draft = doc.paths['/api/v1/workspaces/{ws}/flows/{id}/draft']?.put as {
      parameters: { name: string; in: string; required: boolean }[];
      description: string;
    };
    expect(draft.parameters).toEqual(
      expect.arrayContaining([
        { name: 'ws', in: 'path', required: true, schema: { type: 'string' } },
        expect.objectContaining({ name: 'If-Match', in: 'header', required: true }),
      ]),
    );
    expect(draft.description).toMatch(/editor or higher/);
    const list = doc.paths['/api/v1/workspaces/{ws}/conversations']?.get as {
      parameters: { name: string }[];
    };
    expect(list.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['limit', 'cursor', 'status', 'q']),
    );
  });

  it('serves a readable docs page without any outside resource', async () => {
    const res = await app.request('/api/docs');
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('/api/v1/workspaces/{ws}/flows/{id}/publish');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
  });
});
