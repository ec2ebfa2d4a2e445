// Pipeline benchmark: drives the inbound path with the sandbox channel — on throwaway real
// Postgres + Redis, then on the embedded defaults (PGlite, in-process locks) — with 100 contacts
// each answering as soon as the bot replies, 20 turns each (BENCH_CONTACTS, BENCH_TURNS), after a
// warm-up of 100 other contacts × 50 turns that is not counted (BENCH_WARMUP_TURNS, 0 for none;
// its own rate is printed too: a fresh process's).
// Prints inbound messages/s and p50/p99 inbound-to-outbox latency of the measured run, and the CPU
// the runtime, Postgres and Redis used per message; beside them, in the same process, the same
// conversations through the engine alone (engine-alone.ts), and on real Postgres the row versions
// written per inbound message over the measured run (row-versions.ts). Last line (real services):
// pipeline_msgs_per_s=N p99_ms=M pipeline_vs_engine=R row_versions_per_msg=V
import pino from 'pino';
import { createCoordinator } from '@waflow/coord';
import { createDb, type DbClient } from '@waflow/db';
import { createTestDatabase, startPostgres, startRedis, echoFlow } from '@waflow/testkit';
import { Runtime } from '../../apps/runtime/src/runtime.ts';
import { processStats } from '../../apps/runtime/src/workers/memory.ts';
import { engineMsgsPerSecond } from './engine-alone.ts';
import { settledRowVersions } from './row-versions.ts';
import { sandboxNumber } from '../shared/setup.ts';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100);
const TURNS = Number(process.env.BENCH_TURNS ?? 20);
const WARMUP_TURNS = Number(process.env.BENCH_WARMUP_TURNS ?? 50);
// BENCH_STATEMENTS=1: also print the statements Postgres spent the measured run on.
const STATEMENTS = Boolean(process.env.BENCH_STATEMENTS);
const STALL_S = Number(process.env.BENCH_STALL_S ?? 120);

/** CPU seconds used so far by the machine's postgres and redis-server processes (Linux /proc). */
function serverCpu(): { postgres: number; redis: number } {
  const out = { postgres: 0, redis: 0 };
  for (const p of processStats()) {
    if (p.name === 'postgres') out.postgres += p.cpuSeconds;
    else if (p.name === 'redis-server') out.redis += p.cpuSeconds;
  }
  return out;
}

interface RunResult {
  rate: number;
  p50: number;
  p99: number;
  /** Row versions written per inbound message (real Postgres only). */
  rowVersions?: number;
}

async function run(
  label: string,
  client: DbClient,
  opts: { redisUrl?: string; countRows?: boolean } = {},
): Promise<RunResult> {
  const { redisUrl } = opts;
  const numberId = await sandboxNumber(client, 'bench', echoFlow);
  const coord = createCoordinator(redisUrl ? { redisUrl } : {});
  const runtime = new Runtime({
    client,
    coord,
    log: pino({ level: process.env.BENCH_LOG ?? 'silent' }),
    outbox: { pacing: { ratePerSec: 1e9, burst: 1e9 } },
  });
  await runtime.start();
  const sandbox = await runtime.attachSandbox(numberId);

  // Every contact answers as soon as the bot replied, `turns` times; resolves when all are done.
  const converse = (prefix: string, turns: number) => {
    const remaining = new Map<string, number>();
    let done = 0;
    const finished = new Promise<void>((resolve) => {
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
    });
    for (let c = 0; c < CONTACTS; c++) {
      const from = `${prefix}${c}@c.us`;
      remaining.set(from, turns - 1);
      sandbox.deliver({ from, text: 'start' });
    }
    // A stalled pipeline fails the run, saying where it stopped, instead of waiting for ever.
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `${label}: the pipeline stalled: ${done} of ${CONTACTS} contacts finished after ${STALL_S} s`,
            ),
          ),
        STALL_S * 1000,
      );
    });
    return Promise.race([finished, stalled]).finally(() => clearTimeout(timer));
  };
  // Warm-up, not counted: the process's first messages pay for JIT compilation, opening the pool's
  // connections and preparing each statement on each of them — once per process, not per message.
  // V8 is still optimising after 500 messages (the runtime's CPU per message was ~40% higher than
  // once warm); after 2,000 it has settled. Postgres plans a prepared statement afresh on each of
  // its first five runs on a connection before it keeps a generic plan: with batches of ~50 turns
  // a commit statement runs only ~4 times per pool connection in 2,000 messages, so the warm-up is
  // 5,000 (a planned commit cost ~1 ms more). The measured run then starts new conversations with
  // other contacts, as production does.
  if (WARMUP_TURNS > 0) {
    const warmStarted = performance.now();
    await converse('warm', WARMUP_TURNS);
    const warmSeconds = (performance.now() - warmStarted) / 1000;
    console.log(
      `${label.padEnd(34)} warm-up, not counted: ${CONTACTS * WARMUP_TURNS} msgs in ${warmSeconds.toFixed(2)} s: ${Math.round((CONTACTS * WARMUP_TURNS) / warmSeconds)} msgs/s (a fresh process)`,
    );
  }
  if (STATEMENTS && redisUrl) {
    await client.query('create extension if not exists pg_stat_statements');
    await client.query('select pg_stat_statements_reset()');
  }
  // Every session's statistics flushed, so the count covers the measured run only.
  const rows0 = opts.countRows ? await settledRowVersions(client) : 0;
  const started = performance.now();
  const cpu0 = { self: process.cpuUsage(), servers: serverCpu() };
  await converse('bench', TURNS);
  const seconds = (performance.now() - started) / 1000;
  const self = process.cpuUsage(cpu0.self);
  const servers = serverCpu();
  const rows = await client.query<{ ms: number }>(
    `select extract(epoch from (processed_at - created_at)) * 1000 as ms from inbound_events where number_id = $1 and from_wa_id like 'bench%' order by 1`,
    [numberId],
  );
  const ms = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
  if (process.env.BENCH_HIST) {
    const buckets = [5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
    console.log(buckets.map((b) => `<=${b}ms: ${ms.filter((x) => x <= b).length}`).join('  '));
  }
  const pct = (p: number) => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))] ?? 0;
  const total = CONTACTS * TURNS;
  const result: RunResult = {
    rate: Math.round(total / seconds),
    p50: Math.round(pct(50) * 10) / 10,
    p99: Math.round(pct(99) * 10) / 10,
  };
  console.log(
    `${label.padEnd(34)} ${total} msgs in ${seconds.toFixed(2)} s: ${result.rate} msgs/s, inbound-to-outbox p50 ${result.p50} ms, p99 ${result.p99} ms`,
  );
  // Where the CPU went, per inbound message (the runtime here is this process; PGlite runs in it).
  const perMsg = (s: number) => ((s * 1000) / total).toFixed(3);
  console.log(
    `${''.padEnd(34)} CPU per message: runtime ${perMsg((self.user + self.system) / 1e6)} ms (system ${perMsg(self.system / 1e6)}), postgres ${perMsg(servers.postgres - cpu0.servers.postgres)} ms, redis ${perMsg(servers.redis - cpu0.servers.redis)} ms`,
  );
  if (opts.countRows) {
    result.rowVersions =
      Math.round((((await settledRowVersions(client)) - rows0) / total) * 10) / 10;
    console.log(
      `${''.padEnd(34)} row versions written per inbound message: ${result.rowVersions} (inserted + updated + deleted tuples, pg_stat_user_tables)`,
    );
  }
  if (STATEMENTS && redisUrl) {
    // Where Postgres spent its time in the measured run (statements a trigger runs are listed too).
    const top = await client.query<{
      calls: number;
      ms: number;
      plan: number;
      rows: number;
      query: string;
    }>(
      `select calls, round(total_exec_time::numeric, 1) as ms, round(total_plan_time::numeric, 1) as plan, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 100) as query
       from pg_stat_statements order by total_exec_time desc limit 15`,
    );
    for (const r of top)
      console.log(
        `${''.padEnd(34)} ${String(r.ms).padStart(8)} ms (plan ${String(r.plan).padStart(6)}) ${String(r.calls).padStart(6)} calls ${String(r.rows).padStart(6)} rows  ${r.query}`,
      );
    const tables = await client.query<{ relname: string; ins: number; upd: number; hot: number }>(
      `select relname, n_tup_ins as ins, n_tup_upd as upd, n_tup_hot_upd as hot from pg_stat_user_tables where n_tup_ins + n_tup_upd > 0 order by n_tup_ins + n_tup_upd desc`,
    );
    for (const t of tables)
      console.log(
        `${''.padEnd(34)} ${t.relname.padEnd(26)} inserted ${t.ins}, updated ${t.upd} (${t.hot} HOT)`,
      );
  }
  await runtime.stop();
  await coord.close();
  return result;
}

const [pg, redis] = await Promise.all([
  startPostgres({ statementStats: STATEMENTS }),
  startRedis(),
]);
try {
  const real = await run(
    process.env.BENCH_NO_REDIS ? 'real Postgres, in-process locks' : 'real Postgres + Redis',
    await createDb({ url: (await createTestDatabase(pg.url)).url, max: 10 }),
    {
      ...(process.env.BENCH_NO_REDIS ? {} : { redisUrl: redis.url }),
      countRows: true,
    },
  );
  const engine = engineMsgsPerSecond(echoFlow, CONTACTS, TURNS);
  const vsEngine = real.rate / engine;
  console.log(
    `${'engine alone, same conversations'.padEnd(34)} ${engine} msgs/s: the pipeline on real services runs at ${vsEngine.toPrecision(2)} of it (1/${Math.round(1 / vsEngine)})`,
  );
  if (!process.env.BENCH_REAL_ONLY)
    await run('embedded PGlite + in-process locks', await createDb({ dataDir: 'memory://' }));
  console.log(
    `pipeline_msgs_per_s=${real.rate} p99_ms=${real.p99} pipeline_vs_engine=${vsEngine.toPrecision(2)} row_versions_per_msg=${real.rowVersions}`,
  );
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await Promise.all([pg.stop(), redis.stop()]);
}
// A failed run leaves its runtime's timers behind: end here either way.
process.exit();
