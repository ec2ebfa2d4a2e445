// Cloud API benchmark: signed inbound webhooks through the real API process (apps/api/src/main.ts,
// forked, on a throwaway real Postgres, in-process locks as `npm start` without REDIS_URL), each
// verified, persisted and answered 200, then processed and its reply sent to the Graph API double
// (a real HTTP server in this process). CONTACTS contacts (BENCH_CONTACTS) each write as soon as
// the bot's reply to them reached the double, TURNS times (BENCH_TURNS), after a warm-up round.
// Beside it, in the same run on the same Postgres server, the pipeline's own figure: the same
// conversations delivered straight to a runtime through the sandbox channel (no HTTP, no
// signature, no Graph API), with the same in-process locks. The figure is webhooks answered per
// second; p99 is the webhook's answer time as Meta would see it.
// Last line: cloud_api_webhooks_per_s=N p99_ms=M pipeline_msgs_per_s=P ratio=N/P
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createInProcessCoordinator } from '@waflow/coord';
import { createDb } from '@waflow/db';
import { createTestDatabase, echoFlow, freePort, startPostgres } from '@waflow/testkit';
import {
  messageWebhook,
  postSigned,
  startGraphApiDouble,
  type WebhookTarget,
} from '@waflow/testkit/graph-api';
import { Runtime } from '../../apps/runtime/src/runtime.ts';
import { processStats } from '../../apps/runtime/src/workers/memory.ts';
import { postJson, sandboxNumber } from '../shared/setup.ts';

/** CPU seconds used so far by the API process and by Postgres (Linux /proc). */
function serverCpu(apiPid: number | undefined): { api: number; postgres: number } {
  const out = { api: 0, postgres: 0 };
  for (const p of processStats()) {
    if (p.pid === apiPid) out.api += p.cpuSeconds;
    else if (p.name === 'postgres') out.postgres += p.cpuSeconds;
  }
  return out;
}

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 50);
const TURNS = Number(process.env.BENCH_TURNS ?? 20);
const WARMUP_TURNS = Number(process.env.BENCH_WARMUP_TURNS ?? 10);
const ACCESS_TOKEN = `EAAG${randomBytes(24).toString('hex')}`;
const APP_SECRET = randomBytes(16).toString('hex');
const PHONE_NUMBER_ID = '106540352242922';

/** Each contact writes again as soon as its reply arrived; resolves with the run's figures. */
async function converse(
  contacts: string[],
  turns: number,
  write: (contact: string, turn: number) => Promise<void>,
  onReply: (listener: (contact: string) => void) => () => void,
): Promise<{ seconds: number }> {
  const left = new Map(contacts.map((c) => [c, turns - 1]));
  let done = 0;
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const off = onReply((contact) => {
      const n = left.get(contact);
      if (n === undefined) return;
      if (n > 0) {
        left.set(contact, n - 1);
        write(contact, turns - n).catch(reject);
      } else if (++done === contacts.length) {
        off();
        resolve();
      }
    });
    for (const c of contacts) write(c, 0).catch(reject);
  });
  return { seconds: (performance.now() - started) / 1000 };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** The pipeline's own figure: the same conversations through the sandbox channel, in process. */
async function pipelineAlone(pgUrl: string): Promise<number> {
  const client = await createDb({ url: (await createTestDatabase(pgUrl, 'bench_pipe')).url });
  const numberId = await sandboxNumber(client, 'bench', echoFlow);
  const runtime = new Runtime({
    client,
    coord: createInProcessCoordinator(),
    log: pino({ level: 'silent' }),
    outbox: { pacing: { ratePerSec: 1e9, burst: 1e9 } },
  });
  await runtime.start();
  const sandbox = await runtime.attachSandbox(numberId);
  const onReply = (l: (c: string) => void) => sandbox.onSent((s) => l(s.message.to));
  const write = async (contact: string, turn: number) => {
    sandbox.deliver({ from: contact, text: `turn ${turn}` });
  };
  const ids = (prefix: string) =>
    Array.from({ length: CONTACTS }, (_, i) => `${prefix}${3460000000 + i}@c.us`);
  await converse(ids('1'), WARMUP_TURNS, write, onReply);
  const { seconds } = await converse(ids('2'), TURNS, write, onReply);
  await runtime.stop();
  await client.close();
  return Math.round((CONTACTS * TURNS) / seconds);
}

const pg = await startPostgres();
const graph = await startGraphApiDouble({
  accessToken: ACCESS_TOKEN,
  phoneNumbers: { [PHONE_NUMBER_ID]: { display: '+1 555-0100', verifiedName: 'Bench' } },
});
const db = await createTestDatabase(pg.url, 'bench_cloud');
const port = await freePort();
const api = fork(new URL('../../apps/api/src/main.ts', import.meta.url), [], {
  execArgv: [
    '--import',
    'tsx',
    ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/cloud-prof'] : []),
  ],
  env: {
    ...process.env,
    DATABASE_URL: db.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    WAFLOW_DATA_DIR: mkdtempSync(join(tmpdir(), 'waflow-bench-cloud-')),
    WAFLOW_SECRET_KEY: randomBytes(32).toString('base64'),
    WAFLOW_WHATSAPP_WORKERS: 'off',
    WAFLOW_CLOUD_API_BASE_URL: graph.baseUrl,
    LOG_LEVEL: process.env.BENCH_LOG ?? 'silent',
  },
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});
const base = `http://127.0.0.1:${port}`;

const call = (path: string, body: unknown, token?: string) => postJson(base, path, body, token);

try {
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/health`).catch(() => undefined))?.ok) break;
    if (i > 600) throw new Error('the API did not start within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const setup = await call('/api/v1/setup', {
    email: 'bench@waflow.test',
    password: 'bench password 123',
    name: 'Bench',
    workspaceName: 'Bench',
  });
  const token = String(setup.accessToken);
  const ws = (setup.workspaces as { id: string }[])[0]?.id ?? '';
  const flow = await call(
    `/api/v1/workspaces/${ws}/flows`,
    { name: 'Echo', config: echoFlow },
    token,
  );
  await call(`/api/v1/workspaces/${ws}/flows/${String(flow.id)}/publish`, {}, token);
  // An upgraded number (Meta allows up to 1,000 messages/s): the default 80/s would be the figure.
  const number = await call(
    `/api/v1/workspaces/${ws}/numbers`,
    {
      label: 'Bench',
      channel: 'cloud_api',
      flowId: flow.id,
      cloudApi: {
        phoneNumberId: PHONE_NUMBER_ID,
        wabaId: '102290129340398',
        accessToken: ACCESS_TOKEN,
        appSecret: APP_SECRET,
        messagesPerSecond: 1000,
      },
    },
    token,
  );
  const target: WebhookTarget = {
    url: (number.cloudApi as { webhookUrl: string }).webhookUrl,
    appSecret: APP_SECRET,
    phoneNumberId: PHONE_NUMBER_ID,
    displayPhoneNumber: '15550100',
    wabaId: '102290129340398',
  };

  const latencies: number[] = [];
  const write = async (contact: string, turn: number) => {
    const { payload } = messageWebhook(
      target,
      { waId: contact, name: 'Bench' },
      {
        kind: 'text',
        text: `turn ${turn}`,
      },
    );
    const t0 = performance.now();
    const res = await postSigned(target.url, payload, APP_SECRET);
    latencies.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`the webhook answered ${res.status}: ${res.body}`);
  };
  const onReply = (l: (c: string) => void) => graph.onSend((s) => l(String(s.body.to)));
  const ids = (prefix: string) =>
    Array.from({ length: CONTACTS }, (_, i) => `${prefix}${3460000000 + i}`);

  const warm = await converse(ids('1'), WARMUP_TURNS, write, onReply);
  console.log(
    `warm-up, not counted: ${CONTACTS * WARMUP_TURNS} webhooks in ${warm.seconds.toFixed(2)} s`,
  );
  latencies.length = 0;
  const cpu0 = { self: process.cpuUsage(), servers: serverCpu(api.pid) };
  const { seconds } = await converse(ids('2'), TURNS, write, onReply);
  const self = process.cpuUsage(cpu0.self);
  const servers = serverCpu(api.pid);
  const total = CONTACTS * TURNS;
  const rate = Math.round(total / seconds);
  const sorted = [...latencies].sort((a, b) => a - b);
  const p50 = Math.round(pct(sorted, 50) * 10) / 10;
  const p99 = Math.round(pct(sorted, 99) * 10) / 10;
  console.log(
    `Cloud API, through the API process   ${total} signed webhooks in ${seconds.toFixed(2)} s: ${rate} webhooks/s, answered in p50 ${p50} ms, p99 ${p99} ms, each reply sent to the Graph API double`,
  );
  const perMsg = (cpuSeconds: number) => ((cpuSeconds * 1000) / total).toFixed(3);
  console.log(
    `${''.padEnd(37)} CPU per webhook: API process ${perMsg(servers.api - cpu0.servers.api)} ms, postgres ${perMsg(servers.postgres - cpu0.servers.postgres)} ms, this process (contacts' webhooks + Graph API double) ${perMsg((self.user + self.system) / 1e6)} ms`,
  );
  api.kill('SIGTERM');
  const pipeline = await pipelineAlone(pg.url);
  console.log(
    `pipeline alone, same conversations   ${pipeline} msgs/s (sandbox channel, in process, same Postgres, in-process locks)`,
  );
  console.log(
    `cloud_api_webhooks_per_s=${rate} p99_ms=${p99} pipeline_msgs_per_s=${pipeline} ratio=${(rate / pipeline).toFixed(2)}`,
  );
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  api.kill('SIGTERM');
  await graph.close();
  await pg.stop();
}
process.exit();
