// vitest globalSetup for the e2e project: a fresh production build of the web app, the one
// `npm start` serves.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export async function setup(): Promise<void> {
  await build({
    root: fileURLToPath(new URL('..', import.meta.url)),
    logLevel: 'warn',
    ...(process.env.WAFLOW_E2E_DEBUG ? { build: { minify: false } } : {}),
  });
}
