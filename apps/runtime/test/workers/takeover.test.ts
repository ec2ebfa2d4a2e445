// Two runtime hosts (`host-main.ts`, each with its own pm2 daemon and data folder) on one
// machine, real Postgres, real whatsapp-web.js workers on the WhatsApp Web double:
// - host A serves the number; the whole host dies (supervisor, pm2, worker and Chromium
//   SIGKILLed) while a burst of messages is being handled. Host B takes the number over within
//   the lease TTL, restores the session from the encrypted store (no new QR), and every message
//   A had taken in is answered exactly once — nothing lost, nothing doubled.
// - then only B's supervisor dies: B's worker notices its host stopped renewing and stops itself
//   before the lease expires (pm2 does not restart it), so two clients never share one session.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import puppeteer, { type Browser } from 'puppeteer';
import { NUMBER_STATUS_CHANNEL, schema, type DbClient } from '@waflow/db';
import { echoFlow, freePort } from '@waflow/testkit';
import {
  DOUBLE_WEB_VERSION,
  WaDouble,
  chromiumPath,
  writeDoubleWebCache,
} from '../wa-double/wa-double.ts';
import { freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';
import { numberRow } from '../whatsapp/harness.ts';
import { alive, chromiumPids, kill, pm2Pids, type Host } from './host-processes.ts';

const hostMain = fileURLToPath(new URL('../../src/workers/host-main.ts', import.meta.url));
const TTL = 3_000;

describe('two runtime hosts sharing a WhatsApp number', () => {
  let client: DbClient;
  let numberId = '';
  let root = '';
  let cacheDir = '';
  const secretKey = `k1:${randomBytes(32).toString('base64')}`;
  const hosts: Host[] = [];
  const browsers: Browser[] = [];
  const seen: string[] = [];

  async function startHost(id: string): Promise<Host> {
    const dir = join(root, id);
    const port = await freePort();
    const proc = spawn(process.execPath, ['--import', 'tsx', hostMain], {
      env: {
        ...process.env,
        DATABASE_URL: client.url ?? '',
        WAFLOW_DATA_DIR: dir,
        WAFLOW_SECRET_KEY: secretKey,
        WAFLOW_HOST_ID: id,
        WAFLOW_LEASE_TTL_MS: String(TTL),
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
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const host = { id, dir, port, proc };
    hosts.push(host);
    return host;
  }

  /** The double's page inside a host's worker Chromium. */
  async function doubleOn(host: Host): Promise<WaDouble> {
    const browser = await waitFor(
      () =>
        puppeteer.connect({ browserURL: `http://127.0.0.1:${host.port}` }).catch(() => undefined),
      60_000,
      `${host.id}'s Chromium`,
    );
    browsers.push(browser);
    const page = await waitFor(
      async () =>
        (await browser.pages()).find((p) => p.url().startsWith('https://web.whatsapp.com')),
      60_000,
      'the WhatsApp page',
    );
    return new WaDouble(() => page);
  }

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    ({ numberId } = await seedNumberWithFlow(client, echoFlow));
    await client.db
      .update(schema.numbers)
      .set({ channel: 'whatsapp' })
      .where(eq(schema.numbers.id, numberId));
    await client.listen(NUMBER_STATUS_CHANNEL, () => {
      void numberRow(client, numberId).then((r) => seen.push(r.status));
    });
    root = await mkdtemp(join(tmpdir(), 'wa-takeover-'));
    cacheDir = await writeDoubleWebCache(join(root, 'web-cache'));
  });

  afterAll(async () => {
    for (const b of browsers) await b.disconnect().catch(() => undefined);
    for (const h of hosts) {
      kill([...(h.proc.pid ? [h.proc.pid] : []), ...pm2Pids(h)]);
      kill(chromiumPids(h));
    }
    await client?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it(
    'moves the number to the other host when one dies: session restored without a QR, no inbound lost, no reply doubled',
    { timeout: 240_000 },
    async () => {
      const a = await startHost('host-a');
      await waitFor(
        async () => ((await numberRow(client, numberId)).qr ? true : undefined),
        90_000,
        'a QR from host A',
      );
      const b = await startHost('host-b');
      const onA = await doubleOn(a);
      await onA.pair({ me: '15550003333@c.us' });
      await waitFor(
        async () => ((await numberRow(client, numberId)).status === 'ready' ? true : undefined),
        60_000,
        'ready on host A',
      );
      expect((await numberRow(client, numberId)).leaseHolder).toBe('host-a');
      await onA.deliverInbound({ from: '34600000001@c.us', body: 'hello' });
      await waitFor(
        async () => ((await onA.sent()).some((m) => m.body === 'say something') ? true : undefined),
        30_000,
        'the first reply on host A',
      );
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
        30_000,
        'the session archive stored',
      );

      // A burst from three contacts, and host A dies while handling it.
      for (let i = 0; i < 12; i++)
        await onA.deliverInbound({
          from: `3460000000${(i % 3) + 1}@c.us`,
          body: `m${i}`,
          id: `burst${i}`,
        });
      await waitFor(
        async () => {
          const [r] = await client.query<{ n: number }>(
            `select count(*)::int as n from inbound_events where number_id = $1`,
            [numberId],
          );
          return (r?.n ?? 0) >= 7 ? true : undefined;
        },
        30_000,
        'part of the burst taken in',
      );
      const diedAt = Date.now();
      kill([...(a.proc.pid ? [a.proc.pid] : []), ...pm2Pids(a)]);
      kill(chromiumPids(a));
      seen.length = 0;

      // Host B takes over within the TTL (plus a sync), without a new QR.
      const holder = await waitFor(
        async () =>
          (await numberRow(client, numberId)).leaseHolder === 'host-b' ? Date.now() : undefined,
        30_000,
        'host B holding the number',
      );
      expect(holder - diedAt).toBeLessThan(TTL * 2 + 2_000);
      await waitFor(
        async () =>
          (await numberRow(client, numberId)).status === 'ready' && seen.includes('ready')
            ? true
            : undefined,
        90_000,
        'ready on host B',
      );
      expect(seen).not.toContain('qr');
      const onB = await doubleOn(b);
      expect((await onB.status()).paired).toBe(true);

      // Everything A had taken in is handled exactly once; B answers what was left.
      await waitFor(
        async () => {
          const [r] = await client.query<{ open: number; queued: number }>(
            `select (select count(*)::int from inbound_events where number_id = $1 and status <> 'processed') as open,
                (select count(*)::int from outbox where number_id = $1 and status in ('queued','sending')) as queued`,
            [numberId],
          );
          return r?.open === 0 && r.queued === 0 ? true : undefined;
        },
        60_000,
        'every inbound event processed and every reply settled',
      );
      const events = await client.query<{ n: number }>(
        `select count(*)::int as n from inbound_events where number_id = $1`,
        [numberId],
      );
      const outbox = await client.query<{
        n: number;
        keys: number;
        sent: number;
        failed: number;
        unhanded_failed: number;
      }>(
        `select count(*)::int as n, count(distinct idempotency_key)::int as keys,
              count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status = 'failed')::int as failed,
              count(*) filter (where status = 'failed' and handed_at is null)::int as unhanded_failed
         from outbox where number_id = $1`,
        [numberId],
      );
      expect(outbox[0]?.n).toBe(events[0]?.n); // one reply per inbound message
      expect(outbox[0]?.keys).toBe(outbox[0]?.n);
      expect(outbox[0]?.unhanded_failed).toBe(0); // only a reply the dying worker had in hand may be failed
      expect((outbox[0]?.sent ?? 0) + (outbox[0]?.failed ?? 0)).toBe(outbox[0]?.n);

      // The number keeps answering on B.
      await onB.deliverInbound({ from: '34600000009@c.us', body: 'after the takeover' });
      await waitFor(
        async () =>
          (await onB.sent()).some(
            (m) => m.body === 'say something' && m.to.startsWith('34600000009'),
          )
            ? true
            : undefined,
        30_000,
        'a reply on host B',
      );
    },
  );

  it(
    'a worker whose host stopped renewing stops itself before the lease expires',
    { timeout: 120_000 },
    async () => {
      const b = hosts.find((h) => h.id === 'host-b');
      if (!b?.proc.pid) throw new Error('host B is not running');
      const workerPid = Number(
        readdirSync(join(b.dir, 'pm2', 'pids')).map((f) =>
          readFileSync(join(b.dir, 'pm2', 'pids', f), 'utf8'),
        )[0],
      );
      expect(alive(workerPid)).toBe(true);
      process.kill(b.proc.pid, 'SIGKILL'); // the supervisor only: pm2 and the worker live on
      const [lease] = await client.query<{ expires: Date }>(
        `select lease_expires_at as expires from numbers where id = $1`,
        [numberId],
      );
      await waitFor(
        () => (!alive(workerPid) && chromiumPids(b).length === 0 ? true : undefined),
        TTL * 3,
        'the worker and its Chromium gone',
      );
      // Gone before the lease ran out (by the database's clock), and not restarted by pm2.
      const [stillHeld] = await client.query<{ held: boolean }>(
        `select lease_expires_at > now() as held from numbers where id = $1`,
        [numberId],
      );
      expect(stillHeld?.held || Date.now() <= (lease?.expires.getTime() ?? 0) + 250).toBe(true);
      await new Promise((r) => setTimeout(r, 1_500));
      const pidsNow = readdirSync(join(b.dir, 'pm2', 'pids')).map((f) =>
        Number(readFileSync(join(b.dir, 'pm2', 'pids', f), 'utf8')),
      );
      expect(pidsNow.filter(alive)).toEqual([]);
      const [n] = await client.db
        .select({ n: sql<number>`count(*)::int` })
        .from(schema.inboundEvents)
        .where(sql`status <> 'processed'`);
      expect(n?.n).toBe(0);
    },
  );
});
