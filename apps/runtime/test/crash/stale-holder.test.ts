// A lock holder frozen (SIGSTOP) past its lock's TTL, while a newer holder takes the lock and
// checkpoints, cannot overwrite the newer checkpoint when it continues; the refusal is counted.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { createRedisCoordinator } from '@waflow/coord';
import { readCheckpoint, schema, type DbClient } from '@waflow/db';
import { Runtime } from '../../src/runtime.ts';
import { freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';
import { kill, startChild, type Child } from './child-process.ts';

const flow = {
  schemaVersion: 1,
  triggers: [{ type: 'any' }],
  variables: [{ name: 'x', type: 'string' }],
  start: 'q',
  nodes: [
    {
      id: 'q',
      type: 'ask',
      prompt: 'got {{x}}',
      saveAs: 'x',
      validation: { kind: 'text' },
      next: 'q',
    },
  ],
};

describe('a stale lock holder', () => {
  let client: DbClient;
  let child: Child | undefined;
  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
  });
  afterAll(async () => {
    if (child) await kill(child);
    await client.close();
  });

  it(
    'cannot overwrite a newer checkpoint after being frozen past the lock TTL',
    { timeout: 90_000 },
    async () => {
      const { numberId } = await seedNumberWithFlow(client, flow);
      const prefix = `stale${Date.now()}:`;
      child = startChild({
        DATABASE_URL: client.url ?? '',
        REDIS_URL: inject('redisUrl'),
        REDIS_PREFIX: prefix,
        NUMBER_ID: numberId,
        PAUSE_AT_COMMIT: '1',
      });
      await child.ready;
      const frozen = new Promise<void>((resolve) => {
        child?.onMessage((m) => {
          if (m.atCommit) {
            child?.proc.kill('SIGSTOP');
            resolve();
          }
        });
      });
      child.proc.send({ messageId: 's1', from: '34600999000@c.us', text: 'first' });
      await frozen;

      // The frozen holder's lock expires (10 s TTL); a second runtime takes over the contact.
      const coord = createRedisCoordinator({ url: inject('redisUrl'), prefix });
      const newer = new Runtime({
        client,
        coord,
        log: pino({ level: 'silent' }),
        outbox: { pacing: { ratePerSec: 1000, burst: 1000 } },
      });
      await newer.attachSandbox(numberId);
      const [conv] = await waitFor(
        async () => {
          await newer.scheduler.recover([numberId]);
          await newer.idle();
          const rows = await client.db
            .select()
            .from(schema.conversations)
            .where(eq(schema.conversations.numberId, numberId));
          return rows.length > 0 ? rows : undefined;
        },
        30_000,
        'the newer holder to process the event',
      );
      const checkpoint = await readCheckpoint(client.db, conv?.id ?? '');
      expect(checkpoint?.fence).toBeGreaterThanOrEqual(2);

      // The frozen holder wakes up and tries to commit with its old fence.
      let latest: Record<string, number> = {};
      child.onMessage((m) => {
        if (m.counters) latest = m.counters as Record<string, number>;
      });
      child.proc.kill('SIGCONT');
      await waitFor(
        () => {
          child?.proc.send('counters');
          return (latest.checkpoint_stale_fence_total ?? 0) >= 1 ? latest : undefined;
        },
        20_000,
        'the stale write to be refused',
      );
      const after = await readCheckpoint(client.db, conv?.id ?? '');
      expect(after?.fence).toBe(checkpoint?.fence);
      expect(after?.state).toEqual(checkpoint?.state);
      const sent = await client.db
        .select()
        .from(schema.outbox)
        .where(eq(schema.outbox.numberId, numberId));
      expect(sent).toHaveLength(1);
      await newer.stop();
      await coord.close();
    },
  );
});
