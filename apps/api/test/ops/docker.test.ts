// The Docker files stay correct without a Docker engine: compose parses, its services build from
// Dockerfiles that exist, every path the Dockerfiles copy or run exists, every environment
// variable they set is documented in the README, and `docker compose config` accepts the file
// where the client has compose.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const read = (p: string) => readFileSync(`${root}${p}`, 'utf8');
const readme = read('README.md');
const documented = (name: string) => readme.includes(`\`${name}\``);

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}

describe('docker/', () => {
  const compose = parse(read('docker/compose.yaml')) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };

  it('has postgres, redis, api and runtime, each with a healthcheck or a healthy dependency', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'postgres', 'redis', 'runtime']);
    for (const name of ['postgres', 'redis', 'api'])
      expect(compose.services[name]?.healthcheck?.test.length, name).toBeGreaterThan(0);
    expect(compose.services.runtime?.depends_on?.api?.condition).toBe('service_healthy');
    for (const s of Object.values(compose.services))
      for (const v of s.volumes ?? [])
        expect(Object.keys(compose.volumes)).toContain(v.split(':')[0]);
  });

  it('builds from Dockerfiles whose copied paths and entry points exist', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (!s.build) continue;
      expect(s.build.context, name).toBe('..');
      const file = read(s.build.dockerfile);
      for (const m of file.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
        for (const src of (m[1] ?? '').split(/\s+/))
          expect(existsSync(`${root}${src}`), `${s.build.dockerfile}: COPY ${src}`).toBe(true);
      }
      const cmd = /^CMD \[(.+)\]$/m.exec(file)?.[1] ?? '';
      const entry = (JSON.parse(`[${cmd}]`) as string[]).find((a) => a.endsWith('.ts'));
      expect(entry && existsSync(`${root}${entry}`), `${s.build.dockerfile}: CMD ${cmd}`).toBe(
        true,
      );
      expect(file).toMatch(/^USER (?!root)\S+$/m);
      expect(file).toMatch(/PUPPETEER_SKIP_DOWNLOAD=true/);
    }
    expect(read('docker/Dockerfile.runtime')).toMatch(
      /apt-get install[^\n]*\bchromium-headless-shell\b/,
    );
  });

  it('sets only environment variables the README documents', () => {
    const names = new Set<string>();
    for (const s of Object.values(compose.services))
      if (s.build) for (const k of Object.keys(s.environment ?? {})) names.add(k);
    for (const f of ['docker/Dockerfile.api', 'docker/Dockerfile.runtime'])
      for (const m of read(f).matchAll(/^ENV (.+)$/gm))
        for (const kv of (m[1] ?? '').split(/\s+/)) names.add(kv.split('=')[0] ?? '');
    names.delete('NODE_ENV');
    names.delete('PUPPETEER_SKIP_DOWNLOAD');
    for (const n of names)
      expect(documented(n), `${n} in the README's configuration table`).toBe(true);
  });

  it('is accepted by docker compose config where the client has compose', () => {
    const probe = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
    if (probe.status !== 0) return; // no compose plugin here: the checks above stand in for it
    const r = spawnSync('docker', ['compose', '-f', `${root}docker/compose.yaml`, 'config', '-q'], {
      encoding: 'utf8',
      env: { ...process.env, WAFLOW_SECRET_KEY: 'x' },
    });
    expect(r.status, r.stderr).toBe(0);
  });
});
