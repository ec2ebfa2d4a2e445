// One runtime host's lease loop in its own process (the leases test SIGKILLs it): claims and
// renews every third of the TTL and reports what it holds.
import { claimNumberLeases, createDb } from '@waflow/db';

const client = await createDb({ url: process.env.DATABASE_URL ?? '' });
const opts = { hostId: process.env.HOST_ID ?? 'host', ttlMs: Number(process.env.TTL_MS ?? 2000) };
for (;;) {
  process.send?.({ held: await claimNumberLeases(client.db, opts) });
  await new Promise((r) => setTimeout(r, opts.ttlMs / 3));
}
