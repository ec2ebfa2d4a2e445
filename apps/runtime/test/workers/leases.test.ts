// Runtime hosts share the WhatsApp numbers through leases in Postgres: two hosts never hold the
// same number, a capacity splits them, and when a host is SIGKILLed the other takes its numbers
// over within the lease TTL.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import {
  claimNumberLeases,
  createWorkspace,
  releaseNumberLeases,
  schema,
  type DbClient,
} from '@waflow/db';
import { freshDatabase, waitFor } from '../fixtures.ts';

const child = fileURLToPath(new URL('./lease-child.ts', import.meta.url));
const TTL = 2000;

describe('number leases across runtime hosts', () => {
  let client: DbClient;
  const procs: ChildProcess[] = [];
  const ids: string[] = [];

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    const ws = await createWorkspace(client.db, 'leases');
    for (let i = 0; i < 4; i++) {
      const [n] = await client.db
        .insert(schema.numbers)
        .values({ workspaceId: ws.id, label: `n${i}`, channel: 'whatsapp' })
        .returning();
      ids.push(n?.id ?? '');
    }
    // Sandbox numbers are never leased.
    await client.db
      .insert(schema.numbers)
      .values({ workspaceId: ws.id, label: 'sandbox', channel: 'sandbox' });
    ids.sort();
  });
  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await client.close();
  });

  it('never gives one number to two hosts, and respects a capacity', async () => {
    const a = await claimNumberLeases(client.db, { hostId: 'a', ttlMs: 60_000, capacity: 3 });
    const b = await claimNumberLeases(client.db, { hostId: 'b', ttlMs: 60_000 });
    expect(a).toHaveLength(3);
    expect(b).toHaveLength(1);
    expect([...a, ...b].sort()).toEqual(ids);
    // Renewing keeps what a host has; a clean stop gives it back at once.
    expect(await claimNumberLeases(client.db, { hostId: 'a', ttlMs: 60_000, capacity: 3 })).toEqual(
      a,
    );
    await releaseNumberLeases(client.db, 'a');
    expect(await claimNumberLeases(client.db, { hostId: 'b', ttlMs: 60_000 })).toEqual(ids);
    await releaseNumberLeases(client.db, 'b');
  });

  it(
    'moves a SIGKILLed host’s numbers to the other host within the TTL',
    { timeout: 60_000 },
    async () => {
      const start = (hostId: string) => {
        const p = fork(child, [], {
          execArgv: ['--import', 'tsx'],
          env: {
            ...process.env,
            DATABASE_URL: client.url ?? '',
            HOST_ID: hostId,
            TTL_MS: String(TTL),
          },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        procs.push(p);
        const state = { held: [] as string[] };
        p.on('message', (m) => (state.held = (m as { held: string[] }).held));
        return { p, state };
      };
      const first = start('first');
      await waitFor(
        () => (first.state.held.length === 4 ? true : undefined),
        20_000,
        'the first host holding every number',
      );
      const second = start('second');
      // The second host finds nothing free while the first renews.
      await new Promise((r) => setTimeout(r, TTL * 1.5));
      expect(second.state.held).toEqual([]);

      first.p.kill('SIGKILL');
      await waitFor(
        () => (second.state.held.length === 4 ? true : undefined),
        20_000,
        'the second host taking over',
      );
      expect(second.state.held).toEqual(ids);
      const holders = await client.db
        .selectDistinct({ holder: schema.numbers.leaseHolder })
        .from(schema.numbers)
        .where(eq(schema.numbers.channel, 'whatsapp'));
      expect(holders).toEqual([{ holder: 'second' }]);
    },
  );
});
