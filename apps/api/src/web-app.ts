// Serves the built web app (apps/web/dist) from the API's port: files as they are, and
// index.html for every other path that is not the API (the app routes in the browser). Every
// answer carries the app's Content-Security-Policy: scripts only from this origin plus the inline
// scripts of index.html (the theme script that runs before the first paint), allowed by their
// SHA-256 hashes, computed here from the file served so a rebuild can never leave them stale.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import type { AppEnv } from './context.ts';

/** The hash sources of the page's inline scripts (`<script>` without src), as CSP writes them. */
export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi)].map(
    (m) =>
      `'sha256-${createHash('sha256')
        .update(m[1] ?? '')
        .digest('base64')}'`,
  );
}

/**
 * The policy for the web app. Styles allow inline (React Flow and Radix position elements with
 * style attributes; style cannot run script); images allow data: and blob: (the QR code is a
 * data: URL); everything the app fetches (API, SSE) is same-origin.
 */
export function webAppPolicy(html: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${inlineScriptHashes(html).join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Mounts `dir` when it holds a build; returns false when there is none. */
export function mountWebApp(app: Hono<AppEnv>, dir: string): boolean {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return false;
  const policy = webAppPolicy(readFileSync(index, 'utf8'));
  // serveStatic takes a root relative to the working directory.
  const root = relative(process.cwd(), dir) || '.';
  app.use('/*', async function contentSecurityPolicy(c, next) {
    c.header('Content-Security-Policy', policy);
    await next();
  });
  app.use('/*', serveStatic({ root }));
  app.get('*', serveStatic({ root, path: 'index.html' }));
  return true;
}
