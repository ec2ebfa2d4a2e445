// The worker bundle: workspace TypeScript bundled, packages left to node_modules, import.meta.url
// still the source's, rebuilt when a source changes; and the real worker entry bundles.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWorkerBundle, WORKER_ENTRY, workerBundleStale } from './worker-bundle.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('worker bundle', () => {
  it('bundles local TypeScript that plain node runs, and is stale once a source changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'worker-bundle-'));
    dirs.push(dir);
    const lib = join(dir, 'lib.ts');
    await writeFile(
      lib,
      'export const where: string = import.meta.url;\nexport const twice = (n: number): number => n * 2;\n',
    );
    await writeFile(
      join(dir, 'entry.ts'),
      "import { sep } from 'node:path';\nimport { twice, where } from './lib.ts';\nif (sep !== '/') throw new Error('not posix');\nconsole.log(JSON.stringify({ four: twice(2), where }));\n",
    );
    const bundle = join(dir, 'out', 'entry.mjs');
    expect(workerBundleStale(bundle)).toBe(true);
    await buildWorkerBundle(join(dir, 'entry.ts'), bundle);
    expect(workerBundleStale(bundle)).toBe(false);
    // Plain node runs it: no tsx.
    const out = JSON.parse(execFileSync(process.execPath, [bundle], { encoding: 'utf8' })) as {
      four: number;
      where: string;
    };
    expect(out).toEqual({ four: 4, where: pathToFileURL(lib).href });

    const later = new Date(Date.now() + 60_000);
    await utimes(lib, later, later);
    expect(workerBundleStale(bundle)).toBe(true);
  });

  it('bundles the number worker with the workspace packages inside and whatsapp-web.js outside', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'worker-bundle-'));
    dirs.push(dir);
    const bundle = await buildWorkerBundle(WORKER_ENTRY, join(dir, 'number-worker.mjs'));
    const code = await readFile(bundle, 'utf8');
    expect(code).toContain('from "whatsapp-web.js"');
    expect(code).not.toMatch(/from "@waflow\//);
    expect(code).not.toMatch(/from "[^"]+\.ts"/);
  });
});
