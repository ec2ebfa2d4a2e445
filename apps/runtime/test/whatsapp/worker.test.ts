// The supervisor runs a real worker process per number under pm2 (worker-main.ts: Runtime +
// WhatsAppChannel + Chromium on the double). The test plays the phone through Chromium's
// debugging port. Host change: the worker is stopped, its local data folder wiped, and started
// again: the session comes back from the encrypted store in Postgres, without a QR. A SIGKILLed
// worker is restarted by pm2 and counted on the number's row.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NUMBER_STATUS_CHANNEL, schema, type DbClient } from '@waflow/db';
import { freePort, echoFlow } from '@waflow/testkit';
import { Supervisor } from '../../src/workers/supervisor.ts';
import {
  DOUBLE_WEB_VERSION,
  WaDouble,
  chromiumPath,
  writeDoubleWebCache,
} from '../wa-double/wa-double.ts';
import { freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';
import { numberRow, testLog } from './harness.ts';

describe('number workers under pm2', () => {
  let client: DbClient;
  let supervisor: Supervisor;
  let numberId: string;
  let root: string;
  let dataDir: string;
  let port: number;
  let browser: Browser | undefined;
  const seen: string[] = [];

  /** The double's page inside the worker's Chromium, through its debugging port. */
  async function workerDouble(): Promise<WaDouble> {
    await browser?.disconnect().catch(() => undefined);
    browser = await waitFor(
      () => puppeteer.connect({ browserURL: `http://127.0.0.1:${port}` }).catch(() => undefined),
      30_000,
      "the worker's Chromium",
    );
    const page = await waitFor(
      async () =>
        (await browser?.pages())?.find((p) => p.url().startsWith('https://web.whatsapp.com')),
      30_000,
      'the WhatsApp page',
    );
    const current: { page: Page } = { page };
    return new WaDouble(() => current.page);
  }

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    ({ numberId } = await seedNumberWithFlow(client, echoFlow));
    await client.db
      .update(schema.numbers)
      .set({ channel: 'whatsapp' })
      .where(eq(schema.numbers.id, numberId));
    // Every status the row went through, read at each notification.
    await client.listen(NUMBER_STATUS_CHANNEL, () => {
      void numberRow(client, numberId).then((r) => seen.push(r.status));
    });
    root = await mkdtemp(join(tmpdir(), 'wa-worker-'));
    dataDir = join(root, 'data');
    port = await freePort();
    const cacheDir = await writeDoubleWebCache(join(root, 'web-cache'));
    supervisor = new Supervisor({
      pm2Home: join(root, 'pm2'),
      log: testLog,
      restartBackoffMs: 100,
      workerEnv: {
        DATABASE_URL: client.url ?? '',
        WAFLOW_DATA_DIR: dataDir,
        WAFLOW_SECRET_KEY: `k1:${randomBytes(32).toString('base64')}`,
        PUPPETEER_EXECUTABLE_PATH: chromiumPath(),
        WAFLOW_CHROMIUM_EXTRA_ARGS: JSON.stringify([
          '--host-resolver-rules=MAP * ~NOTFOUND',
          `--remote-debugging-port=${port}`,
        ]),
        WAFLOW_WA_WEB_VERSION: DOUBLE_WEB_VERSION,
        WAFLOW_WA_WEB_CACHE_DIR: cacheDir,
        WAFLOW_WA_SESSION_FIRST_SAVE_MS: '200',
        WAFLOW_WA_HEARTBEAT_MS: '500',
        LOG_LEVEL: process.env.TEST_LOG ?? 'warn',
      },
    });
    await supervisor.connect();
  });

  afterAll(async () => {
    await browser?.disconnect().catch(() => undefined);
    await supervisor?.stop(numberId).catch(() => undefined);
    await supervisor?.close({ killDaemon: true });
    await client?.close();
    if (root && !process.env.KEEP_WA_ROOT) await rm(root, { recursive: true, force: true });
  });

  it('starts one worker per WhatsApp number; it shows a QR, the phone pairs, the row goes ready and heartbeats', async () => {
    const { started } = await supervisor.sync(client.db);
    expect(started).toEqual([numberId]);
    expect((await supervisor.info(numberId))?.status).toBe('online');
    await waitFor(
      async () => ((await numberRow(client, numberId)).qr ? true : undefined),
      60_000,
      'a QR on the row',
    );
    const double = await workerDouble();
    await double.pair({ me: '15550002222@c.us' });
    const ready = await waitFor(
      async () => {
        const r = await numberRow(client, numberId);
        return r.status === 'ready' ? r : undefined;
      },
      30_000,
      'ready',
    );
    expect(ready.phone).toBe('15550002222');
    const beat = ready.heartbeatAt?.getTime() ?? 0;
    await waitFor(
      async () =>
        ((await numberRow(client, numberId)).heartbeatAt?.getTime() ?? 0) > beat ? true : undefined,
      10_000,
      'a newer heartbeat',
    );

    // The worker answers through its own Runtime.
    await double.deliverInbound({ from: '34600000009@c.us', body: 'hello' });
    await waitFor(
      async () =>
        (await double.sent()).some((m) => m.body === 'say something') ? true : undefined,
      20_000,
      'the reply',
    );
  });

  it('restores the session from the encrypted store on a host with an empty data folder (no QR)', async () => {
    await waitFor(
      async () =>
        (
          await client.db
            .select()
            .from(schema.sessionStore)
            .where(eq(schema.sessionStore.numberId, numberId))
        ).length
          ? true
          : undefined,
      20_000,
      'the session archive stored',
    );
    await supervisor.stop(numberId);
    expect(await supervisor.info(numberId)).toBeUndefined();
    await rm(join(dataDir, 'whatsapp'), { recursive: true, force: true });
    seen.length = 0;

    await supervisor.start(numberId);
    await waitFor(async () => (seen.includes('ready') ? true : undefined), 60_000, 'ready again');
    expect(seen).not.toContain('qr');
    expect((await numberRow(client, numberId)).phone).toBe('15550002222');
    const double = await workerDouble();
    expect((await double.status()).paired).toBe(true);
  });

  it('restarts a SIGKILLed worker (pm2, with backoff) and counts the restart on the number row', async () => {
    const before = await numberRow(client, numberId);
    const info = await supervisor.info(numberId);
    if (!info?.pid) throw new Error('no worker pid');
    seen.length = 0;
    process.kill(info.pid, 'SIGKILL');
    const after = await waitFor(
      async () => {
        const r = await numberRow(client, numberId);
        return r.restartCount > before.restartCount && seen.includes('ready') ? r : undefined;
      },
      60_000,
      'the worker back and ready',
    );
    expect(after.lastError).toMatch(/restarted by pm2/);
    expect(seen).not.toContain('qr');
    expect((await supervisor.info(numberId))?.restarts).toBeGreaterThan(0);
  });
});
