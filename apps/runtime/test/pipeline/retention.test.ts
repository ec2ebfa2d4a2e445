// A workspace's retention period applied by the running runtime: with the clock moved past it,
// the next sweep of the timer loop deletes the conversation, its transcript, its contact and the
// analytics counts of those hours;
// a workspace without a period keeps everything.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pino from 'pino';
import { createInProcessCoordinator } from '@waflow/coord';
import type { DbClient } from '@waflow/db';
import { Runtime } from '../../src/runtime.ts';
import { askThenEndFlow, freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';

describe('retention', () => {
  let client: DbClient;
  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
  });
  afterAll(() => client.close());

  const count = async (sql: string, params: unknown[]) =>
    Number((await client.query<{ n: number }>(sql, params))[0]?.n);

  it("deletes conversations older than the workspace keeps, from the runtime's own loop", async () => {
    const brief = await seedNumberWithFlow(client, askThenEndFlow);
    const keeps = await seedNumberWithFlow(client, askThenEndFlow);
    await client.query(
      `update workspaces set settings = settings || '{"retentionDays": 1}' where id = $1`,
      [brief.workspaceId],
    );
    let clock = Date.now();
    const runtime = new Runtime({
      client,
      coord: createInProcessCoordinator(),
      now: () => clock,
      log: pino({ level: process.env.TEST_LOG ?? 'silent' }),
      pollMs: 20,
      outbox: { pacing: { ratePerSec: 1000, burst: 1000 } },
    });
    await runtime.start();
    try {
      for (const numberId of [brief.numberId, keeps.numberId]) {
        const ch = await runtime.attachSandbox(numberId);
        ch.deliver({ from: '34600555000@c.us', text: 'hi' });
        await waitFor(() => ch.sent.length >= 1 || undefined);
      }
      const conversations = (numberId: string) =>
        count('select count(*)::int as n from conversations where number_id = $1', [numberId]);
      expect(await conversations(brief.numberId)).toBe(1);

      // A day and an hour later (the ask still waiting, nobody wrote since): the sweep deletes it.
      clock += 25 * 3600_000;
      await waitFor(
        async () => ((await conversations(brief.numberId)) === 0 ? true : undefined),
        10_000,
        'the sweep',
      );
      // The purge deletes in batched statements and counts once it has returned: wait for the
      // whole sweep (its counters), not only its first statement, before reading what it left.
      await waitFor(
        () => (runtime.counters.snapshot().retention_deleted_contacts ? true : undefined),
        10_000,
        'the sweep to finish',
      );
      expect(
        await count('select count(*)::int as n from messages where number_id = $1', [
          brief.numberId,
        ]),
      ).toBe(0);
      expect(
        await count('select count(*)::int as n from contacts where number_id = $1', [
          brief.numberId,
        ]),
      ).toBe(0);
      expect(
        await count('select count(*)::int as n from inbound_events where number_id = $1', [
          brief.numberId,
        ]),
      ).toBe(0);
      expect(await conversations(keeps.numberId)).toBe(1);
      // The analytics counts of its hours go too; the other workspace keeps its own.
      const counts = (workspaceId: string) =>
        count(
          'select (select count(*) from analytics_hours where workspace_id = $1) + (select count(*) from analytics_block_hours where workspace_id = $1) + (select count(*) from analytics_days where workspace_id = $1) as n',
          [workspaceId],
        );
      expect(await counts(brief.workspaceId)).toBe(0);
      expect(await counts(keeps.workspaceId)).toBeGreaterThan(0);
      expect(runtime.counters.snapshot()).toMatchObject({
        retention_deleted_conversations: 1,
        retention_deleted_contacts: 1,
      });
      expect(
        await count('select count(*)::int as n from messages where number_id = $1', [
          keeps.numberId,
        ]),
      ).toBe(2);
    } finally {
      await runtime.stop();
    }
  });
});
