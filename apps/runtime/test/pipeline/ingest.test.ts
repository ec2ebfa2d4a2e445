// Persisting inbound in arrival order: a channel hands messages over without waiting, so many
// writes for one number are in flight at once; their `seq` must still follow arrival order, and a
// message id seen twice is stored once.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { schema, type DbClient } from '@waflow/db';
import { echoFlow } from '@waflow/testkit';
import { IngestQueue } from '../../src/pipeline/ingest.ts';
import { freshDatabase, seedNumberWithFlow } from '../fixtures.ts';

describe('IngestQueue', () => {
  let client: DbClient;
  let numberId = '';
  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    ({ numberId } = await seedNumberWithFlow(client, echoFlow));
  });
  afterAll(async () => {
    await client.close();
  });

  it('numbers concurrent arrivals in arrival order and stores a repeated message id once', async () => {
    const queue = new IngestQueue(client.db, 16);
    const message = (i: number) => ({
      numberId,
      fromWaId: `3460000${i % 3}@c.us`,
      eventId: `e${i}`,
      payload: {
        kind: 'message' as const,
        message: {
          messageId: `e${i}`,
          from: `3460000${i % 3}@c.us`,
          type: 'text' as const,
          text: `m${i}`,
          timestamp: i,
        },
      },
    });
    const first = await Promise.all(Array.from({ length: 300 }, (_, i) => queue.add(message(i))));
    expect(first.every((r) => r.inserted)).toBe(true);
    // Again, with repeats of stored ids and of an id within the same burst.
    const again = await Promise.all([
      queue.add(message(5)),
      queue.add(message(300)),
      queue.add(message(300)),
      queue.add(message(7)),
    ]);
    expect(again.map((r) => r.inserted)).toEqual([false, true, false, false]);
    expect(again[0]?.id).toBe(first[5]?.id);
    expect(again[2]?.id).toBe(again[1]?.id);

    const rows = await client.db
      .select({ id: schema.inboundEvents.waMessageId })
      .from(schema.inboundEvents)
      .where(eq(schema.inboundEvents.numberId, numberId))
      .orderBy(asc(schema.inboundEvents.seq));
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 301 }, (_, i) => `e${i}`));
  });
});
