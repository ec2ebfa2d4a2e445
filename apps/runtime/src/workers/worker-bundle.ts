// The number worker as one prebuilt ES module (dist/number-worker.mjs), built with esbuild from
// worker-main.ts: workers run it with plain `node`, without tsx's loader thread and transformer.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const WORKER_ENTRY = join(here, 'worker-main.ts');
export const WORKER_BUNDLE = join(here, '../../dist/number-worker.mjs');
/** The sources a bundle was built from (esbuild's metafile inputs), to tell when it is stale. */
const inputsOf = (bundle: string) => `${bundle}.inputs.json`;

/**
 * Workspace packages (@waflow/*) are TypeScript sources: bundled. Every other package stays an
 * import of node_modules, loaded by node as usual (native code, wasm and assets keep working).
 * `import.meta.url` keeps meaning the source file (paths such as the migrations folder).
 */
const workspaceOnly: Plugin = {
  name: 'waflow-workspace-only',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@waflow/') || args.path.startsWith('node:')
        ? undefined
        : { path: args.path, external: true },
    );
    build.onLoad({ filter: /\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: 'ts',
    }));
  },
};

/** True when the bundle is missing or any source it was built from changed since. */
export function workerBundleStale(bundle: string = WORKER_BUNDLE): boolean {
  let builtAt: number;
  let inputs: string[];
  try {
    builtAt = statSync(bundle).mtimeMs;
    inputs = JSON.parse(readFileSync(inputsOf(bundle), 'utf8')) as string[];
  } catch {
    return true;
  }
  for (const input of inputs) {
    try {
      if (statSync(input).mtimeMs > builtAt) return true;
    } catch {
      return true;
    }
  }
  return false;
}

/** Builds the bundle (atomically: a worker starting meanwhile reads the old or the new one). */
export async function buildWorkerBundle(
  entry: string = WORKER_ENTRY,
  bundle: string = WORKER_BUNDLE,
): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    absWorkingDir: here,
    write: false,
    metafile: true,
    // A map beside the bundle: stack traces name the sources with NODE_OPTIONS=--enable-source-maps.
    sourcemap: 'linked',
    logLevel: 'silent',
    plugins: [workspaceOnly],
  });
  const inputs = Object.keys(result.metafile.inputs).map((p) => resolve(here, p));
  mkdirSync(dirname(bundle), { recursive: true });
  const write = (path: string, contents: string | Uint8Array) => {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, contents);
    renameSync(tmp, path);
  };
  // The bundle last: until it is replaced, the old one is older than the inputs and looks stale.
  write(inputsOf(bundle), JSON.stringify(inputs));
  for (const file of result.outputFiles) if (file.path !== bundle) write(file.path, file.contents);
  const code = result.outputFiles.find((f) => f.path === bundle);
  if (!code) throw new Error('esbuild produced no worker bundle');
  write(bundle, code.contents);
  return bundle;
}

let building: Promise<string> | undefined;

/** The bundle's path, built first when it is missing or stale (one build at a time per process). */
export async function ensureWorkerBundle(): Promise<string> {
  if (building) return building;
  if (!workerBundleStale()) return WORKER_BUNDLE;
  building = buildWorkerBundle()
    .catch((err: unknown) => {
      // A read-only install (an image run as another user) must ship the bundle prebuilt.
      throw new Error(
        `cannot build the number worker bundle ${WORKER_BUNDLE}: ${err instanceof Error ? err.message : String(err)}; run \`npm run build -w @waflow/runtime\` where the code is writable`,
        { cause: err },
      );
    })
    .finally(() => {
      building = undefined;
    });
  return building;
}
