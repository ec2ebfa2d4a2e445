// Peer benchmark: the same conversation ("hi" → name → an email, one invalid answer and a retry →
// thanks), driven the same way, through BuilderBot's core (TestProvider + MemoryDB, all in memory)
// and through waflow's runtime on the sandbox channel — durable on throwaway real Postgres + Redis,
// then embedded on PGlite with in-process locks. Every contact sends each step; the next round
// starts when every reply of the round is out. 200 then 2,000 contacts (BENCH_PEER_CONTACTS, comma
// separated), after a warm-up of BENCH_PEER_WARMUP other contacts on each side, not counted; each
// size BENCH_PEER_REPEATS times per side, the sides taking turns, the median counting.
// Only send → last reply of each round is timed: BuilderBot's settle between rounds is not, and
// waflow gets none (see conversation.ts and builderbot.ts).
// Last line (the largest size, 2,000 by default): peer_ratio_durable=R1 peer_ratio_embedded=R2
// (waflow msgs/s ÷ BuilderBot msgs/s).
import { createDb } from '@waflow/db';
import { createTestDatabase, startPostgres, startRedis } from '@waflow/testkit';
import { startBuilderBot } from './builderbot.ts';
import { describe, rate, runRounds, type PeerSide } from './conversation.ts';
import { startWaflow } from './waflow.ts';

const SIZES = (process.env.BENCH_PEER_CONTACTS ?? '200,2000').split(',').map(Number);
const WARMUP = Number(process.env.BENCH_PEER_WARMUP ?? 500);
// Each size is measured this many times per side, the sides taking turns (the host is shared and
// its speed moves within minutes); the median counts.
const REPEATS = Number(process.env.BENCH_PEER_REPEATS ?? 3);
const STALL_S = Number(process.env.BENCH_STALL_S ?? 120);
const LARGEST = Math.max(...SIZES);

interface Contender {
  label: string;
  /** The side a measurement runs on, warmed up: a new bot each time for BuilderBot, the one runtime for waflow. */
  ready(): Promise<PeerSide>;
  rates: Map<number, number[]>;
}

async function warmUp(label: string, side: PeerSide, quiet = false): Promise<PeerSide> {
  if (WARMUP <= 0) return side;
  const warm = await runRounds(
    side,
    `warm${Math.random().toString(36).slice(2, 8)}-`,
    WARMUP,
    STALL_S,
  );
  if (!quiet) console.log(`${label.padEnd(36)} warm-up, not counted: ${describe(warm)}`);
  return side;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
try {
  const durableSide = await startWaflow(
    await createDb({ url: (await createTestDatabase(pg.url)).url, max: 10 }),
    redis.url,
  );
  const embeddedSide = await startWaflow(await createDb({ dataDir: 'memory://' }));
  let bbWarmPrinted = false;
  const contenders: Contender[] = [
    {
      // A new bot (empty MemoryDB) for each measurement, warmed up like the others: its history is
      // scanned on every message, so one bot kept for all measurements would slow down run by run.
      label: 'BuilderBot (TestProvider, MemoryDB)',
      ready: async () => {
        const side = await warmUp(
          'BuilderBot (TestProvider, MemoryDB)',
          await startBuilderBot(),
          bbWarmPrinted,
        );
        bbWarmPrinted = true;
        return side;
      },
      rates: new Map(),
    },
    {
      label: 'waflow durable (Postgres + Redis)',
      ready: async () => durableSide,
      rates: new Map(),
    },
    { label: 'waflow embedded (PGlite)', ready: async () => embeddedSide, rates: new Map() },
  ];
  await warmUp(contenders[1]?.label ?? '', durableSide);
  await warmUp(contenders[2]?.label ?? '', embeddedSide);
  let run = 0;
  for (const size of SIZES) {
    for (let rep = 0; rep < REPEATS; rep++) {
      for (const c of contenders) {
        const r = await runRounds(await c.ready(), `r${run++}-`, size, STALL_S);
        console.log(`${c.label.padEnd(36)} ${String(size).padStart(5)} contacts: ${describe(r)}`);
        c.rates.set(size, [...(c.rates.get(size) ?? []), rate(r)]);
      }
    }
  }
  await durableSide.stop();
  await embeddedSide.stop();
  const [bb, durable, embedded] = contenders.map(
    (c) => (size: number) => median(c.rates.get(size) ?? []),
  );
  if (!bb || !durable || !embedded) throw new Error('unreachable');
  const ratio = (side: (size: number) => number, size: number) =>
    (side(size) / bb(size)).toFixed(2);
  console.log(`medians of ${REPEATS}, msgs/s:`);
  for (const size of SIZES) {
    console.log(
      `${String(size).padStart(5)} contacts: BuilderBot ${bb(size)}, waflow durable ${durable(size)} (${ratio(durable, size)}×), embedded ${embedded(size)} (${ratio(embedded, size)}×)`,
    );
  }
  console.log(
    `peer_ratio_durable=${ratio(durable, LARGEST)} peer_ratio_embedded=${ratio(embedded, LARGEST)}`,
  );
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await Promise.all([pg.stop(), redis.stop()]);
}
// BuilderBot's queue and a failed run's runtime leave timers behind: end here either way.
process.exit();
