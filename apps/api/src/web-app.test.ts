// The web app is served with a Content-Security-Policy whose script hashes are those of the
// inline scripts in the index.html actually served (the theme script of apps/web/index.html).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from './context.ts';
import { mountWebApp } from './web-app.ts';

const sourceIndex = readFileSync(new URL('../../web/index.html', import.meta.url), 'utf8');

function servedApp(html: string) {
  const dir = mkdtempSync(join(tmpdir(), 'waflow-web-'));
  writeFileSync(join(dir, 'index.html'), html);
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');
  const app = new Hono<AppEnv>();
  expect(mountWebApp(app, dir)).toBe(true);
  return app;
}

const directives = (policy: string | null) =>
  new Map(
    (policy ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name = '', ...values]) => [name, values]),
  );

describe('the web app’s Content-Security-Policy', () => {
  it('allows exactly the inline scripts of the served index.html, by hash, and no other inline script', async () => {
    const app = servedApp(sourceIndex);
    for (const path of ['/', '/flows/abc', '/app.js']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      const scriptSrc =
        directives(res.headers.get('content-security-policy')).get('script-src') ?? [];
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      if (path === '/app.js') continue;
      const html = await res.text();
      const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
      expect(inline.length, 'the theme script is inline').toBe(1);
      const hashes = inline.map(
        (s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`,
      );
      expect(scriptSrc.filter((s) => s.startsWith("'sha256-"))).toEqual(hashes);
      expect(scriptSrc).toContain("'self'");
    }
  });

  it('follows the built file: an edited inline script gets its own hash', async () => {
    const edited = sourceIndex.replace('// Dark mode', '// Dark mode (edited)');
    const [before, after] = await Promise.all([
      servedApp(sourceIndex).request('/'),
      servedApp(edited).request('/'),
    ]);
    expect(after.headers.get('content-security-policy')).not.toBe(
      before.headers.get('content-security-policy'),
    );
    expect(directives(after.headers.get('content-security-policy')).get('frame-ancestors')).toEqual(
      ["'none'"],
    );
  });
});
