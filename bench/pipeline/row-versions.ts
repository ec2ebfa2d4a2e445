// Row versions Postgres wrote (inserted, updated and deleted tuples of every user table, from
// pg_stat_user_tables) — what a turn costs the database's heap and indexes, and later its vacuum.
import type { DbClient } from '@waflow/db';

async function rowVersions(client: DbClient): Promise<number> {
  // A fresh snapshot each read (the view is otherwise frozen for the transaction).
  await client.query('select pg_stat_clear_snapshot()');
  const [row] = await client.query<{ n: string }>(
    'select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::text as n from pg_stat_user_tables',
  );
  return Number(row?.n ?? 0);
}

/**
 * The count once every session flushed its statistics. Backends report them asynchronously, when
 * idle and at most once a second, so this reads until two readings 1.5 s apart agree.
 */
export async function settledRowVersions(client: DbClient, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = await rowVersions(client);
  for (;;) {
    await new Promise((r) => setTimeout(r, 1500));
    const now = await rowVersions(client);
    if (now === last || Date.now() > deadline) return now;
    last = now;
  }
}
