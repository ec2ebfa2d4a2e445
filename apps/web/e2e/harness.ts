// The whole product for a browser test: the real API and the embedded runtime (Cloud API and
// Twilio numbers included) on a fresh real Postgres, serving the built web app on a random port (as `npm start`
// does), and headless Chromium (the system one) driven by Playwright.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { createApp, mountWebApp, readEnv } from '@waflow/api';
import { createInProcessCoordinator } from '@waflow/coord';
import { createDb, createKeyring, migrate, type DbClient } from '@waflow/db';
import { Runtime, startProviders } from '@waflow/runtime';
import { chromiumArgs, chromiumPath, createTestDatabase } from '@waflow/testkit';

export const screenshotsDir = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

export interface Product {
  url: string;
  client: DbClient;
  /** The embedded runtime (a test drives its sandbox numbers: `attachSandbox`). */
  runtime: Runtime;
  browser: Browser;
  page(viewport?: { width: number; height: number }): Promise<Page>;
  /**
   * The API process dies and another starts on the same port (its open streams cut, a new event
   * hub that knows none of them): what a killed and restarted API looks like to the web app.
   * `meanwhile` runs while no API answers (the runtime carries on).
   */
  restartApi(meanwhile?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/**
 * `env`: environment variables as the operator would set them for the API process, read by the
 * API's env.ts (e.g. WAFLOW_CLOUD_API_BASE_URL pointing at a Graph API double,
 * WAFLOW_TWILIO_BASE_URL at a Twilio double, WAFLOW_MAX_FLOW_BLOCKS for a small cap).
 */
export async function startProduct(opts: { env?: Record<string, string> } = {}): Promise<Product> {
  const env = readEnv(opts.env ?? {});
  const client = await createDb({ url: (await createTestDatabase(inject('pgUrl'), 'e2e')).url });
  await migrate(client);
  const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
  const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');
  const runtime = new Runtime({
    client,
    coord: createInProcessCoordinator(),
    keyring,
    log,
    outbox: { pacing: { ratePerSec: 1000, burst: 1000 } },
    pollMs: 100,
    recoverMs: 300,
  });
  await runtime.start();
  // Cloud API and Twilio numbers are served in this process, as main.ts serves them.
  const dataDir = mkdtempSync(join(tmpdir(), 'waflow-e2e-media-'));
  const providers = await startProviders({
    client,
    keyring,
    runtime,
    dataDir,
    graph: env.graph,
    twilio: env.twilio,
    twilioStatusUrl: () => undefined,
  });
  const makeApp = () => {
    const app = createApp({
      client,
      keyring,
      log,
      runtime,
      cloudApi: providers.cloudApi,
      graph: env.graph,
      twilio: providers.twilio,
      twilioConfig: env.twilio,
      limits: env.limits,
      dataDir,
    });
    if (!mountWebApp(app, fileURLToPath(new URL('../dist/', import.meta.url))))
      throw new Error('apps/web/dist is missing: the e2e global setup builds it');
    return app;
  };
  const listen = (port: number): Promise<ServerType> =>
    new Promise((resolve) => {
      const s = serve({ fetch: makeApp().fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
    });
  let server = await listen(0);
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [...chromiumArgs],
    headless: true,
  });
  mkdirSync(screenshotsDir, { recursive: true });
  return {
    url,
    client,
    runtime,
    browser,
    async restartApi(meanwhile) {
      const old = server;
      await new Promise<void>((r) => {
        old.close(() => r());
        if ('closeAllConnections' in old) old.closeAllConnections();
      });
      await meanwhile?.();
      server = await listen(port);
    },
    async page(viewport = { width: 1280, height: 800 }) {
      const context = await browser.newContext({
        viewport,
        acceptDownloads: true,
      });
      const page = await context.newPage();
      // A crash in the page fails loudly in the test output.
      page.on('pageerror', (err) =>
        console.error(
          `[page error] ${err.message}${process.env.WAFLOW_E2E_DEBUG ? `\n${err.stack ?? ''}` : ''}`,
        ),
      );
      return page;
    },
    async close() {
      await browser.close();
      await new Promise<void>((r) => server.close(() => r()));
      await providers.stop();
      await runtime.stop();
      await client.close();
    },
  };
}

/**
 * The product and one page for a suite: started before its first test, stopped after its last.
 * Read `suite.product` and `suite.page` inside the tests (they exist once beforeAll has run).
 */
export function productForSuite(opts: Parameters<typeof startProduct>[0] = {}): {
  product: Product;
  page: Page;
} {
  const suite = {} as { product: Product; page: Page };
  beforeAll(async () => {
    suite.product = await startProduct(opts);
    suite.page = await suite.product.page();
  });
  afterAll(async () => {
    await suite.product?.close();
  });
  return suite;
}
