// Serves the built web app (apps/web/dist) from the API's port: files as they are, and
// index.html for every other path that is not the API (the app routes in the browser).
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import type { AppEnv } from './context.ts';

/** Mounts `dir` when it holds a build; returns false when there is none. */
export function mountWebApp(app: Hono<AppEnv>, dir: string): boolean {
  if (!existsSync(join(dir, 'index.html'))) return false;
  // serveStatic takes a root relative to the working directory.
  const root = relative(process.cwd(), dir) || '.';
  app.use('/*', serveStatic({ root }));
  app.get('*', serveStatic({ root, path: 'index.html' }));
  return true;
}
