// Memory benchmark: five WhatsApp numbers at once, each a real worker process under pm2
// (Runtime + whatsapp-web.js + Chromium) on the WhatsApp Web double, linked and answering.
// Prints each number's resident memory (worker + its Chromium), the totals, then per number:
//   pss_mb_per_number  PSS: shared pages split between the processes mapping them; the five
//                      numbers' PSS adds up to the memory they use together (the honest cost)
//   uss_mb_per_number  USS: pages only that number's processes map (freed when it stops)
//   unique_mb_per_number  the physical pages all five numbers' processes map, each counted once,
//                      / 5 (root only): what five numbers cost a host together, per number; unlike
//                      PSS it does not depend on other processes of the host mapping the same files
//   rss_mb_per_number  (last) summed VmRSS: every mapped page counted in each process, so the
//                      ~255 MB of node and Chromium code that all five share is counted five times
// Knobs: BENCH_NUMBERS, BENCH_SETTLE_MS, BENCH_CHROMIUM_PATH (the browser), BENCH_DETAIL=1 (per process), BENCH_CHROMIUM_ARGS (JSON
// array) and BENCH_WORKER_NODE_ARGS (space separated) to measure flags.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import puppeteer from 'puppeteer';
import {
  createDb,
  createFlow,
  createWorkspace,
  migrate,
  publishFlowVersion,
  schema,
} from '@waflow/db';
import {
  createTestDatabase,
  headlessShellPath,
  freePort,
  startPostgres,
  echoFlow,
} from '@waflow/testkit';
import { Supervisor } from '../../apps/runtime/src/workers/supervisor.ts';
import {
  processMemoryMb,
  processTree,
  treeMemoryMb,
  uniqueResidentMb,
} from '../../apps/runtime/src/workers/memory.ts';
import {
  DOUBLE_WEB_VERSION,
  WaDouble,
  writeDoubleWebCache,
} from '../../apps/runtime/test/wa-double/wa-double.ts';

const NUMBERS = Number(process.env.BENCH_NUMBERS ?? 5);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 5_000);
// Extra Chromium flags for every worker (to measure one): a JSON array.
const EXTRA_ARGS = JSON.parse(process.env.BENCH_CHROMIUM_ARGS ?? '[]') as string[];

async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The browser a number runs by default (Debian's chromium-headless-shell, installed when missing);
// BENCH_CHROMIUM_PATH measures another, e.g. /usr/bin/chromium (the fallback).
const BROWSER = process.env.BENCH_CHROMIUM_PATH ?? headlessShellPath();
console.log(`browser: ${BROWSER}`);

const pg = await startPostgres();
const root = await mkdtemp(join(tmpdir(), 'bench-memory-'));
const db = await createTestDatabase(pg.url);
const client = await createDb({ url: db.url, max: 5 });
const numbers: { id: string; port: number }[] = [];
const supervisor = new Supervisor({
  pm2Home: join(root, 'pm2'),
  log: pino({ level: 'warn' }),
  // BENCH_WORKER_NODE_ARGS: other node flags for the workers (to measure them), space separated.
  ...(process.env.BENCH_WORKER_NODE_ARGS !== undefined
    ? { nodeArgs: process.env.BENCH_WORKER_NODE_ARGS.split(' ').filter(Boolean) }
    : {}),
  workerEnv: {
    DATABASE_URL: db.url,
    WAFLOW_DATA_DIR: join(root, 'data'),
    WAFLOW_SECRET_KEY: `k1:${randomBytes(32).toString('base64')}`,
    PUPPETEER_EXECUTABLE_PATH: BROWSER,
    WAFLOW_WA_WEB_VERSION: DOUBLE_WEB_VERSION,
    WAFLOW_WA_WEB_CACHE_DIR: await writeDoubleWebCache(join(root, 'web-cache')),
    LOG_LEVEL: 'warn',
  },
});
try {
  await migrate(client);
  const ws = await createWorkspace(client.db, 'bench');
  const flow = await createFlow(client.db, { workspaceId: ws.id, name: 'echo', draft: echoFlow });
  await publishFlowVersion(client.db, { flowId: flow.id, config: echoFlow });
  await supervisor.connect();
  for (let i = 0; i < NUMBERS; i++) {
    const [n] = await client.db
      .insert(schema.numbers)
      .values({ workspaceId: ws.id, label: `bench ${i}`, channel: 'whatsapp', flowId: flow.id })
      .returning();
    if (!n) throw new Error('no number');
    numbers.push({ id: n.id, port: await freePort() });
  }
  const started = performance.now();
  await Promise.all(
    numbers.map((n) =>
      supervisor.start(n.id, {
        WAFLOW_CHROMIUM_EXTRA_ARGS: JSON.stringify([
          '--host-resolver-rules=MAP * ~NOTFOUND',
          `--remote-debugging-port=${n.port}`,
          ...EXTRA_ARGS,
        ]),
      }),
    ),
  );
  // Link every number and have one contact talk to it.
  await Promise.all(
    numbers.map(async (n, i) => {
      const browser = await until('chromium', () =>
        puppeteer.connect({ browserURL: `http://127.0.0.1:${n.port}` }),
      );
      const page = await until('the page', async () =>
        (await browser.pages()).find((p) => p.url().startsWith('https://web.whatsapp.com')),
      );
      const double = new WaDouble(() => page);
      await until('a QR', async () =>
        (await client.db.select().from(schema.numbers).where(eq(schema.numbers.id, n.id)))[0]?.qr
          ? true
          : undefined,
      );
      await double.pair({ me: `1555000${String(i).padStart(4, '0')}@c.us` });
      await until('ready', async () =>
        (await client.db.select().from(schema.numbers).where(eq(schema.numbers.id, n.id)))[0]
          ?.status === 'ready'
          ? true
          : undefined,
      );
      for (const text of ['hello', 'one', 'two']) {
        const before = (await double.sent()).length;
        await double.deliverInbound({ from: `3460000${i}001@c.us`, body: text });
        await until('the reply', async () =>
          (await double.sent()).length > before ? true : undefined,
        );
      }
      await browser.disconnect();
    }),
  );
  console.log(
    `${NUMBERS} numbers linked and answering in ${Math.round(performance.now() - started)} ms; settling ${SETTLE_MS} ms`,
  );
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  let totalRss = 0;
  let totalPss = 0;
  let totalUss = 0;
  const allPids: number[] = [];
  for (const [i, n] of numbers.entries()) {
    const info = await supervisor.info(n.id);
    if (!info?.pid) throw new Error(`worker of number ${i} is not running`);
    allPids.push(...processTree(info.pid));
    const m = treeMemoryMb(info.pid);
    totalRss += m.rssMb;
    totalPss += m.pssMb;
    totalUss += m.ussMb;
    console.log(
      `number ${i}: worker + Chromium rss_mb=${m.rssMb} pss_mb=${m.pssMb} uss_mb=${m.ussMb} processes=${m.processes}`,
    );
    // BENCH_DETAIL=1: each process of the tree (where the memory goes).
    if (process.env.BENCH_DETAIL) {
      for (const p of processTree(info.pid).map(processMemoryMb))
        console.log(
          `  ${p.kind}: rss=${p.rssMb} (anon ${p.anonMb}, file ${p.fileMb}) pss=${p.pssMb} uss=${p.ussMb}`,
        );
    }
  }
  console.log(`total rss_mb=${totalRss} pss_mb=${totalPss} uss_mb=${totalUss}`);
  console.log(`pss_mb_per_number=${Math.round(totalPss / NUMBERS)}`);
  console.log(`uss_mb_per_number=${Math.round(totalUss / NUMBERS)}`);
  const unique = uniqueResidentMb(allPids);
  if (unique !== undefined)
    console.log(
      `unique_mb_per_number=${Math.round(unique / NUMBERS)} (all ${NUMBERS} numbers together: ${unique} MB)`,
    );
  console.log(`rss_mb_per_number=${Math.round(totalRss / NUMBERS)}`);
  for (const n of numbers) await supervisor.stop(n.id);
} finally {
  await supervisor.close({ killDaemon: true });
  await client.close();
  await pg.stop();
  await rm(root, { recursive: true, force: true });
}
// pm2's client keeps sockets open after disconnect: end explicitly.
process.exit(0);
