import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '@waflow/testkit';
import { createDb, type DbClient } from '../client.ts';
import { migrate } from '../migrate.ts';
import { schema } from '../index.ts';
import { createWorkspace } from './workspaces.ts';
import { insertInboundEvent } from './inbound-events.ts';

describe('inbound events on real Postgres', () => {
  let client: DbClient;
  beforeAll(async () => {
    client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url, max: 50 });
    await migrate(client);
  });
  afterAll(() => client.close());

  it('keeps exactly one row for 50 parallel inserts of the same WhatsApp message id', async () => {
    const ws = await createWorkspace(client.db, 'Race');
    const [number] = await client.db
      .insert(schema.numbers)
      .values({ workspaceId: ws.id, label: 'n' })
      .returning();
    if (!number) throw new Error('no number');
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () =>
        insertInboundEvent(client.db, {
          numberId: number.id,
          waMessageId: 'wamid.SAME',
          fromWaId: 'c',
          payload: { text: 'hi' },
        }),
      ),
    );
    expect(outcomes.filter((o) => o.inserted)).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(1);
    const rows = await client.query('select id from inbound_events where number_id = $1', [
      number.id,
    ]);
    expect(rows).toHaveLength(1);
  });
});
