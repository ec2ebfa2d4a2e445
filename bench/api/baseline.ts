// The API benchmark's baseline: the flow row the API's authenticated GET reads, through a bare Hono
// route with one postgres.js query and nothing else (no auth, no middleware, no cache), on the same
// database and in the same process as the API (started by server.ts on a port of its own).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import postgres from 'postgres';

export function serveBaseline(databaseUrl: string, port: number): Promise<AddressInfo> {
  // The pool size the API's client uses (packages/db createDb's default).
  const sql = postgres(databaseUrl, { max: 10 });
  const app = new Hono();
  app.get('/flows/:id', async (c) => {
    const [row] = await sql<
      {
        id: string;
        name: string;
        draft: string;
        revision: number;
        published_version_id: string | null;
      }[]
    >`
      select id, name, draft::text as draft, draft_revision as revision, published_version_id from flows where id = ${c.req.param('id')}`;
    if (!row) return c.json({ error: 'not found' }, 404);
    c.header('ETag', `"${row.revision}"`);
    c.header('Content-Type', 'application/json');
    return c.body(
      `{"id":${JSON.stringify(row.id)},"name":${JSON.stringify(row.name)},"draft":${row.draft},"revision":${Number(row.revision)},"publishedVersionId":${JSON.stringify(row.published_version_id)}}`,
    );
  });
  return new Promise((resolve) => {
    serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, resolve);
  });
}
