// Inbox benchmark: one API process (server.ts) holds BENCH_STREAMS open event streams
// (GET /workspaces/:ws/events, 1,000 unless set) while the pipeline — a runtime in this process,
// as on a runtime host — answers BENCH_MSGS_PER_S contacts' messages a second for BENCH_SECONDS.
// Each event's latency is from its commit (the event's `at`, its transaction's time) to its arrival
// on a stream, over every stream and event; the baseline is the pipeline's own latency in the same
// run, from a message's arrival to the bot's reply handed to the channel. Then the API's RSS.
// Last line: inbox_streams=N event_p99_ms=M api_rss_mb=R pipeline_p99_ms=P event_vs_pipeline=M/P
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import pino from 'pino';
import { createInProcessCoordinator } from '@waflow/coord';
import { createDb, migrate } from '@waflow/db';
import { createTestDatabase, echoFlow, freePort, startPostgres } from '@waflow/testkit';
import { Runtime } from '../../apps/runtime/src/runtime.ts';
import { postJson } from '../shared/setup.ts';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATE = Number(process.env.BENCH_MSGS_PER_S ?? 10);
/** Streams whose every event is timed (the others only check they got everything: cheap here). */
const TIMED = Math.min(STREAMS, 100);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0) : 0;
};
const round = (x: number) => Math.round(x * 10) / 10;

const pg = await startPostgres();
const db = await createTestDatabase(pg.url, 'bench_inbox');
const client = await createDb({ url: db.url });
await migrate(client);

const port = await freePort();
const server = fork(new URL('./server.ts', import.meta.url), [], {
  execArgv: ['--import', 'tsx'],
  env: { ...process.env, DATABASE_URL: db.url, PORT: String(port), LOG_LEVEL: 'silent' },
  stdio: 'inherit',
});
await new Promise<void>((resolve, reject) => {
  server.once('message', () => resolve());
  server.once('exit', (code) => reject(new Error(`the API exited (${code}) before it was ready`)));
});
const base = `http://127.0.0.1:${port}`;
const agent = new http.Agent({ keepAlive: true, maxSockets: STREAMS + 10 });
const streams: http.ClientRequest[] = [];

try {
  const setup = await postJson(base, '/api/v1/setup', {
    email: 'bench@waflow.test',
    password: 'bench password 123',
    name: 'Bench',
    workspaceName: 'Bench',
  });
  const token = setup.accessToken as string;
  const ws = (setup.workspaces as { id: string }[])[0]?.id ?? '';
  const wsPath = `/api/v1/workspaces/${ws}`;
  const flow = await postJson(base, `${wsPath}/flows`, { name: 'Echo', config: echoFlow }, token);
  await postJson(base, `${wsPath}/flows/${String(flow.id)}/publish`, {}, token);
  const number = await postJson(
    base,
    `${wsPath}/numbers`,
    { label: 'Bench line', flowId: flow.id, channel: 'sandbox' },
    token,
  );

  // The streams: the timed ones parse every event; every one keeps the last event id it got.
  const latencies: number[] = [];
  const lastIds: number[] = [];
  let frames = 0;
  let measuring = false;
  const open = (k: number) =>
    new Promise<void>((resolve, reject) => {
      const req = http.get(
        `${base}${wsPath}/events`,
        { agent, headers: { authorization: `Bearer ${token}` } },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`a stream answered ${res.statusCode}`));
          res.setEncoding('utf8');
          let buf = '';
          res.on('data', (chunk: string) => {
            const now = Date.now();
            buf += chunk;
            const end = buf.lastIndexOf('\n\n');
            if (end < 0) return;
            const whole = buf.slice(0, end);
            buf = buf.slice(end + 2);
            const id = whole.lastIndexOf('\nid: ');
            if (id >= 0) lastIds[k] = parseInt(whole.slice(id + 5, id + 25), 10);
            if (whole.includes('event: ready')) resolve();
            if (!measuring || k >= TIMED) return;
            for (const frame of whole.split('\n\n')) {
              if (!frame.startsWith('event: inbox')) continue;
              frames++;
              const at = /"at":"([^"]+)"/.exec(frame)?.[1];
              if (at) latencies.push(now - Date.parse(at));
            }
          });
        },
      );
      req.on('error', reject);
      streams.push(req);
    });
  for (let i = 0; i < STREAMS; i += 100)
    await Promise.all(Array.from({ length: Math.min(100, STREAMS - i) }, (_, j) => open(i + j)));

  // The pipeline, as a runtime host runs it.
  const runtime = new Runtime({
    client,
    coord: createInProcessCoordinator(),
    log: pino({ level: 'silent' }),
    outbox: { pacing: { ratePerSec: 1e9, burst: 1e9 } },
  });
  await runtime.start();
  const sandbox = await runtime.attachSandbox(String(number.id));
  const sentAt = new Map<string, number>();
  const pipeline: number[] = [];
  sandbox.onSent((s) => {
    const t = sentAt.get(s.message.to);
    if (t !== undefined) pipeline.push(Date.now() - t);
  });

  // Warm-up, not measured; then RATE contacts a second, each writing once.
  for (let i = 0; i < 20; i++) sandbox.deliver({ from: `warm${i}@c.us`, text: 'hi' });
  await new Promise((r) => setTimeout(r, 2000));
  measuring = true;
  const total = RATE * SECONDS;
  const started = Date.now();
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / RATE;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const from = `3460${String(n).padStart(8, '0')}@c.us`;
    sentAt.set(from, Date.now());
    sandbox.deliver({ from, text: `message ${n}` });
  }
  // Until every reply went out and every stream has the workspace's last event (bounded).
  const head = async () =>
    Number(
      (
        await client.query<{ last: string }>(
          'select last_seq as last from workspace_event_counters where workspace_id = $1',
          [ws],
        )
      )[0]?.last ?? 0,
    );
  const deadline = Date.now() + 60_000;
  let behind = STREAMS;
  while (Date.now() < deadline) {
    const h = await head();
    behind = lastIds.filter((id) => id < h).length + (STREAMS - lastIds.filter(Boolean).length);
    if (pipeline.length >= total && behind === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  measuring = false;
  if (behind > 0) console.log(`${behind} streams had not caught up after 60 s`);
  const rss = Number(
    /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0,
  );
  const eventP99 = round(pct(latencies, 99));
  const pipelineP99 = round(pct(pipeline, 99));
  console.log(
    `${STREAMS} streams, ${total} messages in ${SECONDS} s: ${behind === 0 ? 'every stream got every event' : `${behind} streams behind`} (${round(frames / TIMED)} events each, ${TIMED} streams timed), commit-to-event p50 ${round(pct(latencies, 50))} ms, p99 ${eventP99} ms; pipeline arrival-to-reply p50 ${round(pct(pipeline, 50))} ms, p99 ${pipelineP99} ms; API RSS ${Math.round(rss / 1024)} MB`,
  );
  console.log(
    `inbox_streams=${STREAMS} event_p99_ms=${eventP99} api_rss_mb=${Math.round(rss / 1024)} pipeline_p99_ms=${pipelineP99} event_vs_pipeline=${(eventP99 / Math.max(pipelineP99, 0.1)).toPrecision(2)}`,
  );
  await runtime.stop();
} finally {
  for (const s of streams) s.destroy();
  agent.destroy();
  server.kill('SIGTERM');
  await client.close();
  await pg.stop();
}
