// Analytics benchmark, on throwaway real Postgres: seeds 1,000,000 messages in 200,000
// conversations over 90 days (seed.ts; BENCH_MESSAGES, BENCH_CONVERSATIONS) and times the
// Overview's query (dashboardFigures: 90 days, 30 days, one flow, one number) and the canvas's
// (canvasFigures: every version, one version, 7 days), p95 of BENCH_QUERY_RUNS each; beside the
// canvas's, the same figures from a row per block visit (the storage option not chosen). Then the
// pipeline's throughput with analytics counted in the turns' commits and without (Runtime option
// `analytics`), in interleaved pairs on one fresh database (BENCH_PAIRS, BENCH_CONTACTS × BENCH_TURNS).
// Last line: dashboard_p95_ms=N canvas_p95_ms=M ingest_overhead_pct=P
import pino from 'pino';
import { createCoordinator } from '@waflow/coord';
import { canvasFigures, createDb, dashboardFigures, type DbClient } from '@waflow/db';
import { createTestDatabase, echoFlow, startPostgres, startRedis } from '@waflow/testkit';
import { Runtime } from '../../apps/runtime/src/runtime.ts';
import { sandboxNumber } from '../shared/setup.ts';
import { DAYS, seed } from './seed.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 200_000);
const RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 40);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 5);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100);
const TURNS = Number(process.env.BENCH_TURNS ?? 20);

async function p95(label: string, run: () => Promise<unknown>): Promise<number> {
  await run(); // the first run plans and warms the cache
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? 0;
  console.log(
    `${label.padEnd(52)} p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms (${RUNS} runs)`,
  );
  return at(0.95);
}

/** The canvas's figures from a row per visit: counts, exits and exact medians per block. */
function canvasFromRows(client: DbClient, versionIds: string[], from: Date, to: Date) {
  return client.query(
    `select node_id, count(*) as entered, count(next_node) as left_n, sum(invalid) as invalid,
       percentile_cont(0.5) within group (order by ms) as median_ms,
       (select jsonb_object_agg(coalesce(e.next_node, ''), e.n) from (
          select next_node, count(*) as n from bench_block_visits b2
          where b2.flow_version_id = any($1::uuid[]) and b2.entered_at >= $2 and b2.entered_at < $3 and b2.node_id = b.node_id and b2.next_node is not null
          group by 1) e) as exits
     from bench_block_visits b
     where flow_version_id = any($1::uuid[]) and entered_at >= $2 and entered_at < $3
     group by node_id`,
    [`{${versionIds.join(',')}}`, from.toISOString(), to.toISOString()],
  );
}

/** Inbound messages/s through the sandbox for CONTACTS × TURNS (each answering its reply), after a warm-up. */
async function pipelineRate(
  client: DbClient,
  redisUrl: string,
  analytics: boolean,
  round: number,
): Promise<number> {
  const numberId = await sandboxNumber(client, `pipe${round}${analytics ? 'a' : 'n'}`, echoFlow);
  const coord = createCoordinator({ redisUrl });
  const runtime = new Runtime({
    client,
    coord,
    analytics,
    log: pino({ level: process.env.BENCH_LOG ?? 'silent' }),
    outbox: { pacing: { ratePerSec: 1e9, burst: 1e9 } },
  });
  await runtime.start();
  const sandbox = await runtime.attachSandbox(numberId);
  const converse = (prefix: string, turns: number) =>
    new Promise<void>((resolve) => {
      const remaining = new Map<string, number>();
      let done = 0;
      const off = sandbox.onSent((s) => {
        if (!remaining.has(s.message.to)) return;
        const left = remaining.get(s.message.to) ?? 0;
        if (left > 0) {
          remaining.set(s.message.to, left - 1);
          sandbox.deliver({ from: s.message.to, text: `turn ${turns - left + 1}` });
        } else if (++done === CONTACTS) {
          off();
          resolve();
        }
      });
      for (let c = 0; c < CONTACTS; c++) {
        const from = `${prefix}${c}@c.us`;
        remaining.set(from, turns - 1);
        sandbox.deliver({ from, text: 'start' });
      }
    });
  await converse(`warm${round}`, 10);
  const t = performance.now();
  await converse(`run${round}`, TURNS);
  const rate = (CONTACTS * TURNS) / ((performance.now() - t) / 1000);
  await runtime.stop();
  await coord.close();
  return rate;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
try {
  const client = await createDb({ url: (await createTestDatabase(pg.url)).url, max: 10 });
  const seeding = performance.now();
  const s = await seed(client, { messages: MESSAGES, conversations: CONVERSATIONS });
  const [sizes] = await client.query<Record<string, string>>(
    `select (select count(*) from messages)::text as messages, (select count(*) from conversations)::text as conversations,
       (select count(*) from analytics_hours)::text as hours_rows, (select count(*) from analytics_days)::text as days_rows,
       (select count(*) from analytics_block_hours)::text as block_rows,
       (select count(*) from bench_block_visits)::text as visit_rows,
       pg_size_pretty(pg_total_relation_size('analytics_block_hours')) as block_size,
       pg_size_pretty(pg_total_relation_size('bench_block_visits')) as visit_size`,
  );
  console.log(
    `seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s over ${DAYS} days: ${sizes?.messages} messages, ${sizes?.conversations} conversations; ` +
      `analytics_hours ${sizes?.hours_rows} rows (analytics_days ${sizes?.days_rows}), analytics_block_hours ${sizes?.block_rows} rows (${sizes?.block_size}); a row per visit: ${sizes?.visit_rows} rows (${sizes?.visit_size})`,
  );
  const days = (n: number) => new Date(s.to.getTime() - n * 86_400_000);
  const dash = { workspaceId: s.workspaceId, timezone: 'Europe/Madrid', to: s.to };
  const dashboard = Math.max(
    await p95('dashboard, 90 days, every flow and number', () =>
      dashboardFigures(client.db, { ...dash, from: s.from }),
    ),
    await p95('dashboard, 30 days', () => dashboardFigures(client.db, { ...dash, from: days(30) })),
    await p95('dashboard, 90 days, one flow', () =>
      dashboardFigures(client.db, { ...dash, from: s.from, flowId: s.flowId }),
    ),
  );
  const canvasQ = { workspaceId: s.workspaceId, flowId: s.flowId, to: s.to };
  const canvas = Math.max(
    await p95('canvas, 90 days, every version (hourly counts)', () =>
      canvasFigures(client.db, { ...canvasQ, versionIds: [], from: s.from }),
    ),
    await p95('canvas, 90 days, one version', () =>
      canvasFigures(client.db, { ...canvasQ, versionIds: [s.versionIds[1] ?? ''], from: s.from }),
    ),
    await p95('canvas, 7 days', () =>
      canvasFigures(client.db, { ...canvasQ, versionIds: [], from: days(7) }),
    ),
  );
  const rowsCanvas = await p95('canvas, 90 days, every version (a row per visit)', () =>
    canvasFromRows(client, s.versionIds, s.from, s.to),
  );
  await client.close();

  // Ingest: the same conversations with and without the counts, taking turns (A, B, A, B…).
  const pipe = await createDb({ url: (await createTestDatabase(pg.url)).url, max: 10 });
  // Each pair's two runs are next to each other, in alternating order, and the overhead is the
  // median of the pairs' own ratios: the host's load drifts between pairs far more than within one.
  const on: number[] = [];
  const off: number[] = [];
  const overheads: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const first = i % 2 === 0;
    const a = await pipelineRate(pipe, redis.url, !first, i);
    const b = await pipelineRate(pipe, redis.url, first, i);
    const [without, withCounts] = first ? [a, b] : [b, a];
    off.push(without);
    on.push(withCounts);
    overheads.push(((without - withCounts) / without) * 100);
    console.log(
      `pipeline pair ${i + 1}: without analytics ${Math.round(without)} msgs/s, with ${Math.round(withCounts)} msgs/s (${(overheads[i] ?? 0).toFixed(1)}%)`,
    );
  }
  await pipe.close();
  const overhead = median(overheads);
  console.log(
    `pipeline medians of ${PAIRS} pairs: overhead ${overhead.toFixed(1)}%; without ${Math.round(median(off))} msgs/s, with ${Math.round(median(on))} msgs/s; a row per visit's canvas p95 ${rowsCanvas.toFixed(1)} ms`,
  );
  console.log(
    `dashboard_p95_ms=${Math.round(dashboard)} canvas_p95_ms=${Math.round(canvas)} ingest_overhead_pct=${overhead.toFixed(1)}`,
  );
} finally {
  await Promise.all([pg.stop(), redis.stop()]);
}
